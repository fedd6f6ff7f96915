/**
 * "Are my credentials still good?": one cheap authenticated call per configured connection, before a run finds out.
 * A source (Trata, Overplane, Propexo) lists one record. PowerChord documents no read endpoint at all: a connection
 * that logs in (POWERCHORD_EMAIL/PASSWORD or an OAuth client) is checked by fetching a token, which is an
 * authenticated call; a static POWERCHORD_TOKEN cannot be checked without writing, so it is reported unverified.
 * Nothing is written anywhere. The answer names the environment variable to fix, never a value.
 */
import { ConfigError } from '../errors.ts';
import { settingOf } from '../config/connections.ts';
import { ProviderAuthError, ProviderNotFoundError, ProviderRateLimitedError, ProviderUnavailableError } from '../providers/errors.ts';
import { RenewingToken, type TokenProvider } from '../providers/powerchord/index.ts';
import type { Connector, ConnectionConfig, ProviderName } from '../providers/types.ts';
import { scrubText } from '../secrets.ts';

export const CHECK_STATUSES = ['ok', 'auth_refused', 'unreachable', 'wrong_url', 'misconfigured', 'rate_limited', 'unverified', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface ConnectionCheck {
  connection: string;
  provider: ProviderName;
  status: CheckStatus;
  /** True unless the check showed the connection cannot work (unverified and rate-limited pass). */
  ok: boolean;
  /** What was called, or why nothing was. */
  detail: string;
  /** The environment variable(s) to look at when it failed. */
  setting: string | null;
  ms: number;
}

const PASSING: ReadonlySet<CheckStatus> = new Set(['ok', 'rate_limited', 'unverified']);

/** The credential variables of a connection: what it authenticates with. */
function credentialOf(config: ConnectionConfig): string {
  const { options } = config;
  if (options['clientId'] !== undefined) return settingOf(config, 'clientId', 'clientSecret');
  if (options['email'] !== undefined) return settingOf(config, 'email', 'password');
  return settingOf(config, 'token');
}

/** PowerChord's token source, when the connector has one it can renew (a login or an OAuth client). */
function renewableTokens(connector: Connector): TokenProvider | null {
  const tokens = (connector as { tokens?: unknown }).tokens;
  return tokens instanceof RenewingToken ? tokens : null;
}

/** Runs one connection's check within `timeoutMs`; never throws. */
export async function checkConnection(config: ConnectionConfig, connect: () => Connector, timeoutMs = 5_000): Promise<ConnectionCheck> {
  const started = Date.now();
  const answer = (status: CheckStatus, detail: string, setting: string | null = null): ConnectionCheck => ({
    connection: config.name,
    provider: config.provider,
    status,
    ok: PASSING.has(status),
    // A provider's answer may echo what it was sent: configured secrets are blanked.
    detail: scrubText(detail),
    setting,
    ms: Date.now() - started,
  });
  const baseUrl = settingOf(config, 'baseUrl');
  let connector: Connector;
  try {
    connector = connect();
  } catch (error) {
    // The settings themselves are refused (a missing trunk id, a host outside the connection's region).
    if (error instanceof ConfigError) return answer('misconfigured', error.issues.join('; '), null);
    return answer('misconfigured', `the connection could not be set up (${(error as Error).name})`, credentialOf(config));
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    if (connector.listPage) {
      const page = await connector.listPage(null, { pageSize: 1, signal });
      return answer('ok', `listed ${page.records.length} record${page.records.length === 1 ? '' : 's'} (1 asked)`);
    }
    const tokens = renewableTokens(connector);
    if (tokens) {
      await tokens.get();
      return answer('ok', 'signed in: a token was issued');
    }
    return answer('unverified', `${config.provider} has no read endpoint and a static token cannot be checked without a write; set ${settingOf(config, 'email', 'password')} to have it checked by a login`);
  } catch (error) {
    if (error instanceof ProviderAuthError) return answer('auth_refused', `${error.operation} answered ${error.status ?? 'an auth error'}`, credentialOf(config));
    if (error instanceof ProviderRateLimitedError) return answer('rate_limited', `${error.operation} answered 429: the request budget is spent for now (not a credential problem)`);
    if (error instanceof ProviderNotFoundError) return answer('wrong_url', `${error.operation} answered 404: is the base URL right?`, baseUrl);
    if (error instanceof ProviderUnavailableError) {
      const why = error.transportCode ?? (error.status === null ? 'no answer' : `answered ${error.status}`);
      return answer('unreachable', `${error.operation}: ${why}`, baseUrl);
    }
    if (signal.aborted) return answer('unreachable', `no answer within ${timeoutMs} ms`, baseUrl);
    const status = (error as { status?: unknown }).status;
    return answer('error', `${(error as Error).name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`.slice(0, 300), credentialOf(config));
  }
}

/** Every connection at once; results in the order given. */
export async function checkAllConnections(configs: Iterable<ConnectionConfig>, connect: (config: ConnectionConfig) => Connector, timeoutMs?: number): Promise<ConnectionCheck[]> {
  return Promise.all([...configs].map((config) => checkConnection(config, () => connect(config), timeoutMs)));
}

/** One line per check, for the terminal: `trata       ok            listed 1 record (1 asked)  45 ms`. */
export function formatCheck(check: ConnectionCheck): string {
  const fix = check.ok || check.setting === null ? '' : `  → check ${check.setting}`;
  return `${check.connection.padEnd(11)} ${check.status.replace('_', ' ').padEnd(13)} ${check.detail}  (${check.ms} ms)${fix}`;
}

/**
 * `crm-bridge check --connections`: every configured connection checked, one line each; exit 1 when any failed (or
 * none is configured), naming the variable to fix.
 */
export async function runConnectionChecks(configs: ReadonlyMap<string, ConnectionConfig>, connect: (config: ConnectionConfig) => Connector, out: (line: string) => void): Promise<number> {
  if (configs.size === 0) {
    out('no connection is configured: set a provider\'s token (TRATA_TOKEN, OVERPLANE_TOKEN, PROPEXO_TOKEN, POWERCHORD_EMAIL/PASSWORD, …)');
    return 1;
  }
  const checks = await checkAllConnections(configs.values(), connect);
  for (const check of checks) out(formatCheck(check));
  const failed = checks.filter((c) => !c.ok);
  out(failed.length === 0 ? `ok: ${checks.length} connection${checks.length === 1 ? '' : 's'} checked` : `${failed.length} of ${checks.length} connections failed: ${failed.map((c) => c.connection).join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

/**
 * The worker's start-up check (src/bootstrap/runtime.ts): the same checks as `check --connections`, one log line
 * each, info when it passed and warn when not. Never throws and is not awaited by the start: a connection that fails
 * now may work later, and the other syncs should run meanwhile. Lines carry the variable to fix, never a value.
 */
export async function logConnectionChecks(
  configs: Iterable<ConnectionConfig>,
  connect: (config: ConnectionConfig) => Connector,
  logger: { info: (fields: object, message: string) => void; warn: (fields: object, message: string) => void },
  timeoutMs?: number,
): Promise<ConnectionCheck[]> {
  const checks = await checkAllConnections(configs, connect, timeoutMs);
  for (const check of checks) {
    const fields = { connection: check.connection, provider: check.provider, status: check.status, detail: check.detail, setting: check.setting ?? undefined, ms: check.ms };
    const line = `connection check: ${check.connection} ${check.status.replace('_', ' ')}: ${check.detail}${check.ok || check.setting === null ? '' : ` (check ${check.setting})`}`;
    if (check.ok) logger.info(fields, line);
    else logger.warn(fields, line);
  }
  return checks;
}
