/** Parses a mapping file's YAML keeping positions, so every issue can name its line. */
import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PathSegment } from './paths.ts';

export interface LocatedYaml {
  /** The plain JS value, or undefined when the YAML did not parse. */
  value: unknown;
  /** YAML syntax errors, each with its line. */
  syntaxErrors: Array<{ line: number; message: string }>;
  /** The line (1-based) of the node at `path`: the key's line when `atKey`, else the value's; the nearest ancestor if absent. */
  lineOf(path: readonly PathSegment[], atKey?: boolean): number | null;
}

/** Deeper flow nesting is refused before parsing: the parser recurses, and 1 MB of `[` took 5 s and ~1 GB. */
const MAX_FLOW_DEPTH = 64;
/**
 * Larger files are refused before parsing: the parsed document costs up to ~1 KB per token (a 4 MB flow list ran
 * a 512 MB heap out of memory). A 20,000-field mapping with transforms and descriptions is ~700,000 tokens.
 */
const MAX_TOKENS = 1_000_000;

/** Why the text is refused before parsing, and where; null when it may be parsed. The lexer does not recurse. */
function refusedAt(text: string): { offset: number; message: string } | null {
  let depth = 0;
  let offset = 0;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_TOKENS) return { offset, message: `too large: more than ${MAX_TOKENS} YAML tokens` };
    if (token === '[' || token === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { offset, message: `nested more than ${MAX_FLOW_DEPTH} levels deep` };
    } else if (token === ']' || token === '}') {
      depth--;
    }
    // The lexer's control tokens (document, scalar, flow-end markers) are not source text.
    if (!(token.length === 1 && token < ' ' && token !== '\t' && token !== '\n' && token !== '\r')) offset += token.length;
  }
  return null;
}

/** The parser's own stack overflows (deep block nesting) reported as what they are. */
function plainMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return /call stack|stack overflow/i.test(first) ? 'nested too deeply' : first;
}

export function locateYaml(text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const refused = refusedAt(text);
  if (refused !== null) {
    const line = text.slice(0, refused.offset).split('\n').length;
    return { value: undefined, syntaxErrors: [{ line, message: refused.message }], lineOf: () => line };
  }
  // The library's own unique-key check compares each key with every earlier one (quadratic: a 20,000-field
  // mapping took seconds); the one below keeps a set per map.
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined): number | null => (offset === undefined ? null : lineCounter.linePos(offset).line);
  const syntaxErrors = doc.errors.map((e) => ({ line: lineAt(e.pos[0]) ?? 1, message: plainMessage(e.message) }));
  // An unknown tag (`!!js/function`, `!env`) would be read as plain text: refused, as it surely meant something else.
  for (const w of doc.warnings) if (w.code === 'TAG_RESOLVE_FAILED') syntaxErrors.push({ line: lineAt(w.pos[0]) ?? 1, message: plainMessage(w.message) });
  if (doc.errors.length === 0) {
    visit(doc, {
      Map(_key, map) {
        const seen = new Set<string>();
        for (const pair of map.items) {
          const keyLine = lineAt((pair.key as Node | null)?.range?.[0]) ?? 1;
          // A list or map as a key would become its text; `__proto__` would be dropped by every schema (zod's records too).
          if (isMap(pair.key) || isSeq(pair.key)) syntaxErrors.push({ line: keyLine, message: 'a key must be text or a number, not a list or a map' });
          // An alias key would escape the duplicate check below (or become the text "*name").
          if (isAlias(pair.key)) syntaxErrors.push({ line: keyLine, message: 'a key cannot be an alias (*name)' });
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (key === '__proto__') syntaxErrors.push({ line: keyLine, message: '"__proto__" cannot be a key' });
          if (seen.has(key)) syntaxErrors.push({ line: lineAt(pair.key.range?.[0]) ?? 1, message: 'Map keys must be unique' });
          seen.add(key);
        }
      },
    });
  }

  // Each map's pairs by key, built on the first lookup: locating many issues stays linear.
  const index = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, segment: string): Pair | undefined => {
    let byKey = index.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value))) byKey.set(String(p.key.value), p as Pair);
      index.set(map, byKey);
    }
    return byKey.get(segment);
  };

  function lineOf(path: readonly PathSegment[], atKey = false): number | null {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]) ?? 1;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = pairOf(node as YAMLMap, String(segment));
        if (!pair) return line;
        const keyLine = lineAt((pair.key as Node).range?.[0]);
        if (last && atKey) return keyLine ?? line;
        const valueLine = lineAt((pair.value as Node | null)?.range?.[0]);
        line = valueLine ?? keyLine ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) return line;
        line = lineAt(item.range?.[0]) ?? line;
        node = item;
      } else {
        return line;
      }
    }
    return line;
  }

  let value: unknown;
  try {
    value = syntaxErrors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    syntaxErrors.push({ line: 1, message: plainMessage(error instanceof Error ? error.message : String(error)) });
  }
  syntaxErrors.sort((a, b) => a.line - b.line);
  // A parser stack overflow is reported once per level it unwinds: once a line is enough.
  const unique = syntaxErrors.filter((e, i) => i === 0 || e.line !== syntaxErrors[i - 1]?.line || e.message !== syntaxErrors[i - 1]?.message);
  return { value, syntaxErrors: unique, lineOf };
}
