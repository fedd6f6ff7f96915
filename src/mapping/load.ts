/** Loading mapping files: YAML → format schema → provider cross-checks, with every issue located by line. */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FileInvalidError, type FileIssue } from '../errors.ts';
import { PROVIDER_NAMES, type ProviderName } from '../providers/types.ts';
import { MappingCompiler, resolveSides, type RawIssue } from './compile.ts';
import { MappingFile } from './format.ts';
import { formatFilePath, type PathSegment } from './paths.ts';
import type { CompiledField, Mapping } from './types.ts';
import { locateYaml } from './yaml-locate.ts';

/** Issues the compiler diagnoses itself, with better words than a union's "invalid input". */
function isTransformIssue(path: readonly PropertyKey[]): boolean {
  return path[0] === 'fields' && path[2] === 'transforms' && path.length >= 4;
}

function zodIssues(value: unknown): RawIssue[] {
  const result = MappingFile.safeParse(value);
  if (result.success) return [];
  const out: RawIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (isTransformIssue(path)) continue;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown key ${JSON.stringify(key)}`, atKey: true });
    } else if (issue.code === 'invalid_value' && path.length === 1 && (path[0] === 'source' || path[0] === 'target')) {
      out.push({ path, message: `unknown provider ${JSON.stringify((value as Record<string, unknown>)[path[0]])} (known: ${PROVIDER_NAMES.join(', ')})` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** Parses and checks one mapping file's text; throws FileInvalidError with every issue found. */
export function parseMapping(text: string, file: string): Mapping {
  const located = locateYaml(text);
  const toIssue = (raw: RawIssue): FileIssue => ({
    file,
    line: located.lineOf(raw.path, raw.atKey ?? false),
    path: formatFilePath(raw.path),
    message: raw.message,
  });
  if (located.syntaxErrors.length > 0) {
    throw new FileInvalidError(located.syntaxErrors.map((e) => ({ file, line: e.line, path: '', message: `YAML: ${e.message}` })));
  }
  const raw: RawIssue[] = zodIssues(located.value);
  const value = located.value;
  const fields: CompiledField[] = [];
  let source: ProviderName | null = null;
  let target: ProviderName | null = null;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const top = value as Record<string, unknown>;
    source = PROVIDER_NAMES.find((p) => p === top['source']) ?? null;
    target = PROVIDER_NAMES.find((p) => p === top['target']) ?? null;
    if (source !== null && target !== null) {
      const { sides, issues } = resolveSides(source, target);
      raw.push(...issues);
      const rawFields = top['fields'];
      if (sides !== null && rawFields !== null && typeof rawFields === 'object' && !Array.isArray(rawFields)) {
        const compiler = new MappingCompiler(sides);
        for (const [key, spec] of Object.entries(rawFields)) {
          const compiled = compiler.field(key, spec);
          if (compiled !== null) fields.push(compiled);
        }
        compiler.requiredFields(Object.keys(rawFields));
        raw.push(...compiler.issues);
      }
    }
  } else if (raw.length === 0) {
    raw.push({ path: [], message: 'a mapping file is a YAML map with source, target and fields' });
  }
  if (raw.length > 0 || source === null || target === null) {
    const issues = dedupe(raw.map(toIssue));
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new FileInvalidError(issues);
  }
  const top = value as { description?: unknown };
  return {
    file,
    name: mappingName(file),
    source,
    target,
    description: typeof top.description === 'string' ? top.description : null,
    fields,
  };
}

function dedupe(issues: FileIssue[]): FileIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}|${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function mappingName(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

export async function loadMappingFile(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new FileInvalidError([{ file: path, line: null, path: '', message: `cannot read the file (${reason})` }]);
  }
  return parseMapping(text, path);
}

/** Loads every `*.yaml` in a folder; a broken file adds its issues and the others still load. */
export async function loadMappingsDir(dir: string): Promise<{ mappings: Map<string, Mapping>; issues: FileIssue[] }> {
  const mappings = new Map<string, Mapping>();
  const issues: FileIssue[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return { mappings, issues: [{ file: dir, line: null, path: '', message: `cannot read the mappings folder (${reason})` }] };
  }
  for (const name of names) {
    try {
      const mapping = await loadMappingFile(join(dir, name));
      // x.yaml and x.yml name one mapping: the second would silently replace the first.
      const other = mappings.get(mapping.name);
      if (other) issues.push({ file: mapping.file, line: null, path: '', message: `mapping "${mapping.name}" is also defined by ${other.file}: keep one` });
      else mappings.set(mapping.name, mapping);
    } catch (error) {
      if (error instanceof FileInvalidError) issues.push(...error.issues);
      else throw error;
    }
  }
  return { mappings, issues };
}
