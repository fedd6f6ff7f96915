/** Parses a mapping file's YAML keeping positions, so every issue can name its line. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PathSegment } from './paths.ts';

export interface LocatedYaml {
  /** The plain JS value, or undefined when the YAML did not parse. */
  value: unknown;
  /** YAML syntax errors, each with its line. */
  syntaxErrors: Array<{ line: number; message: string }>;
  /** The line (1-based) of the node at `path`: the key's line when `atKey`, else the value's; the nearest ancestor if absent. */
  lineOf(path: readonly PathSegment[], atKey?: boolean): number | null;
}

export function locateYaml(text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  // The library's own unique-key check compares each key with every earlier one (quadratic: a 20,000-field
  // mapping took seconds); the one below keeps a set per map.
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined): number | null => (offset === undefined ? null : lineCounter.linePos(offset).line);
  const syntaxErrors = doc.errors.map((e) => ({ line: lineAt(e.pos[0]) ?? 1, message: e.message.split('\n')[0] ?? e.message }));
  if (doc.errors.length === 0) {
    visit(doc, {
      Map(_key, map) {
        const seen = new Set<string>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
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
    syntaxErrors.push({ line: 1, message: error instanceof Error ? error.message : String(error) });
  }
  return { value, syntaxErrors, lineOf };
}
