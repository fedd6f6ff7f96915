export { buildApp, DEFAULT_BODY_LIMIT } from './app.ts';
export type { ApiApp, AppDeps, ReadinessReport } from './deps.ts';
export { resolveApiTokens, startApi, type ApiTokens, type RunningApi } from './server.ts';
export { ApiClient, ApiClientError } from './client.ts';
