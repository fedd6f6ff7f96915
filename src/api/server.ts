import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { buildApp } from './app.ts';
import type { AppDeps } from './deps.ts';

export interface ApiTokens {
  tokens: string[];
  /** Made up at start because none was configured (`npm start`); printed once so the user can sign in. */
  generated: string | null;
}

/**
 * The API's tokens: API_TOKENS when set. Otherwise `generate` (the sandbox, `npm start`) makes a random one for
 * this process; without it (`crm-bridge api`, `worker`) the API refuses to start rather than run open.
 */
export function resolveApiTokens(configured: readonly string[], generate: boolean): ApiTokens {
  if (configured.length > 0) return { tokens: [...configured], generated: null };
  if (!generate) throw new ConfigError(['API_TOKENS: set at least one token (comma-separated) to serve the API; it never runs without authentication']);
  const token = randomBytes(24).toString('base64url');
  return { tokens: [token], generated: token };
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Builds the app and listens: the only place the API binds a port. */
export async function startApi(deps: AppDeps, where: { host: string; port: number }): Promise<RunningApi> {
  const app = await buildApp(deps);
  const address = await app.listen({ host: where.host, port: where.port });
  return { url: address, close: () => app.close() };
}
