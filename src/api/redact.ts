/** Keys whose values never show in the dashboard, at any depth of job data or return values. */
const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|credential/i;

/**
 * Job data carries connection names, never tokens (by design); this is the belt to those braces, for a job
 * made by hand or by an older deploy.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactSecrets(v, depth + 1)]));
  }
  return value;
}
