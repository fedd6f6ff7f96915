/** Loading `connections/*.yaml` (checked like jobs and mappings: file, line, path) and reading their secrets at start. */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FileInvalidError, type FileIssue } from '../errors.ts';
import type { PathSegment } from '../mapping/paths.ts';
import { locateYaml } from '../mapping/yaml-locate.ts';
import { PROVIDER_NAMES, type ConnectionConfig } from '../providers/types.ts';
import { buildConnection, ConnectionFile, definitionOf, toFileIssues, type ConnectionDefinition, type PathIssue } from './connection-file.ts';
import { resolveSecretRef, type SecretRef } from './secret-ref.ts';

/** Stands in for every secret while a file is checked: which credentials are given matters then, not their values. */
const PLACEHOLDER_SECRET = 'placeholder-secret-value';
/** A timeout for connections built only to be checked (the real one is PROVIDER_TIMEOUT_MS). */
const CHECK_TIMEOUT_MS = 10_000;

/** Checks one connection file; throws FileInvalidError with every issue found. Secrets are not read here. */
export function parseConnectionFile(text: string, file: string): ConnectionDefinition {
  const located = locateYaml(text);
  if (located.syntaxErrors.length > 0) {
    throw new FileInvalidError(located.syntaxErrors.map((e) => ({ file, line: e.line, path: '', message: `YAML: ${e.message}` })));
  }
  const issues: PathIssue[] = [];
  const parsed = ConnectionFile.safeParse(located.value);
  if (!parsed.success) {
    for (const zodIssue of parsed.error.issues) {
      const path = zodIssue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      if (zodIssue.code === 'unrecognized_keys') for (const key of zodIssue.keys) issues.push({ path: [...path, key], message: `unknown key ${JSON.stringify(key)}`, atKey: true });
      else if (path.length === 1 && path[0] === 'provider') issues.push({ path, message: `unknown provider (known: ${PROVIDER_NAMES.join(', ')})` });
      else issues.push({ path, message: zodIssue.message });
    }
    throw new FileInvalidError(toFileIssues(file, issues, located.lineOf));
  }
  const definition = definitionOf(parsed.data as Record<string, unknown>, file);
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (definition.name !== expected) issues.push({ path: ['name'], message: `must match the file name ("${expected}")` });
  issues.push(...buildConnection(definition, () => PLACEHOLDER_SECRET, CHECK_TIMEOUT_MS).issues);
  if (issues.length > 0) throw new FileInvalidError(toFileIssues(file, issues, located.lineOf));
  return definition;
}

function reasonOf(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}

/**
 * Loads every `*.yaml` in the connections folder; problems are collected, not thrown, so `check` lists them all.
 * A missing folder is no connection files (the environment's connections alone, as before the folder existed).
 */
export async function loadConnectionsDir(dir: string): Promise<{ connections: Map<string, ConnectionDefinition>; issues: FileIssue[] }> {
  const connections = new Map<string, ConnectionDefinition>();
  const issues: FileIssue[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { connections, issues };
    return { connections, issues: [{ file: dir, line: null, path: '', message: `cannot read the connections folder (${reasonOf(error)})` }] };
  }
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // A folder named like a file, a dangling link, no permission: an issue for this entry; the others still load.
      issues.push({ file, line: null, path: '', message: `cannot read the file (${reasonOf(error)})` });
      continue;
    }
    try {
      const definition = parseConnectionFile(text, file);
      // acme.yaml and acme.yml name one connection: the second would silently replace the first.
      const other = connections.get(definition.name);
      if (other) issues.push({ file, line: null, path: '', message: `connection "${definition.name}" is also defined by ${other.file}: keep one` });
      else connections.set(definition.name, definition);
    } catch (error) {
      if (error instanceof FileInvalidError) issues.push(...error.issues);
      else throw error;
    }
  }
  return { connections, issues };
}

/**
 * The file-defined connections as the workers use them: each reference read (an environment variable or a file),
 * then built through the provider again with the real values. Every problem is a FileIssue naming the file and
 * the credential's path, never a value. `secrets` lists every value read, for the scrubber.
 */
export async function resolveConnectionFiles(
  definitions: ReadonlyMap<string, ConnectionDefinition>,
  variables: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<{ connections: Map<string, ConnectionConfig>; secrets: string[]; issues: FileIssue[] }> {
  const connections = new Map<string, ConnectionConfig>();
  const secrets: string[] = [];
  const issues: FileIssue[] = [];
  for (const definition of definitions.values()) {
    const values = new Map<SecretRef, string>();
    const problems: PathIssue[] = [];
    for (const { field, value } of definition.values) {
      if (typeof value === 'string') continue;
      const resolved = await resolveSecretRef(value, variables);
      if (resolved.ok) values.set(value, resolved.value);
      else problems.push({ path: field.path, message: resolved.problem });
    }
    secrets.push(...values.values());
    if (problems.length === 0) {
      const built = buildConnection(definition, (ref) => values.get(ref) ?? '', timeoutMs);
      problems.push(...built.issues);
      if (built.config) connections.set(definition.name, built.config);
    }
    // Lines are not needed at start (the file was checked at load): the path says where.
    issues.push(...toFileIssues(definition.file, problems, () => null));
  }
  return { connections, secrets, issues };
}
