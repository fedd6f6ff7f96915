import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * A secret in a connection file is never written inline: it names where the value lives, an environment variable
 * (`{env: TRATA_TOKEN_ACME}`) or a file (`{file: /run/secrets/acme-trata}`, Docker and Kubernetes secrets). The
 * file then holds no secret and can be committed; the value is read at start, registered with the scrubber, and
 * kept only in the process's connection config.
 */
export const EnvRef = z.strictObject({
  /** The environment variable holding the value. */
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)'),
});
export const FileRef = z.strictObject({
  /** A file holding the value (one trailing newline is dropped); relative paths are read from the working directory. */
  file: z.string().min(1),
});
export const SecretRef = z.union([EnvRef, FileRef], {
  // Never quotes the value: it may be the secret itself.
  error: 'a reference, {env: VARIABLE} or {file: /path}: an inline secret is refused (it would end up in git and in backups)',
});
export type SecretRef = z.infer<typeof SecretRef>;

/** Where a secret reference points, for messages (never the value). */
export function describeRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

export type Resolved = { ok: true; value: string } | { ok: false; problem: string };

/** Reads a reference's value: an unset variable, an unreadable or empty file is a problem naming where, not what. */
export async function resolveSecretRef(ref: SecretRef, variables: Readonly<Record<string, string | undefined>>): Promise<Resolved> {
  if ('env' in ref) {
    // Own variables only: `{env: constructor}` would otherwise read Object.prototype's (a function, not text).
    const value = Object.hasOwn(variables, ref.env) ? variables[ref.env] : undefined;
    return value === undefined || value.trim() === '' ? { ok: false, problem: `environment variable ${ref.env} is not set` } : { ok: true, value };
  }
  let text: string;
  try {
    text = await readFile(ref.file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    return { ok: false, problem: `file ${ref.file} cannot be read (${code})` };
  }
  // Secrets files usually end with a newline the value does not have.
  const value = text.replace(/\r?\n$/, '');
  return value.trim() === '' ? { ok: false, problem: `file ${ref.file} is empty` } : { ok: true, value };
}
