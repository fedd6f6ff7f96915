import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { providerEnvShape } from '../providers/registry.ts';
import { httpUrl as url, optionalText } from './env-fields.ts';

const commaList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Every environment variable crm-bridge reads outside the providers', with its default. Each provider's own
 * (`<PROVIDER>_*`) are its `envSchema` (`src/providers/<name>/env.ts`), merged in below from the registry.
 * Provider tokens are secrets: they stay in this object and in the connection config, and never reach job data,
 * logs or error messages.
 */
const BaseEnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one object a line) or `pretty` (pino-pretty); unset: pretty when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Redis to use; when unset, `npm start` and the tests start a private redis-server. */
  REDIS_URL: url.or(z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')).optional(),
  /** Namespace of every key; the Redis Cluster hash tags are made from it per queue, sync and state partition (sync/keys.ts). */
  QUEUE_PREFIX: z.string().min(1).default('{crm-bridge}'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /**
   * Bearer tokens accepted by the API and the dashboard, comma-separated (several, for rotation). Each at least
   * 32 characters: a short one could be guessed (`openssl rand -base64 32` makes a good one).
   */
  API_TOKENS: commaList.refine((tokens) => tokens.every((t) => t.length >= 32), 'each token must be at least 32 characters (e.g. `openssl rand -base64 32`)'),
  /**
   * The reverse proxies in front of the API whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses or
   * CIDRs, comma-separated, or a hop count ("1"). Unset: none (the socket's address and protocol count).
   */
  TRUST_PROXY: optionalText,
  /** Failed authentications per client address within AUTH_FAILURE_WINDOW_S before it is answered 429. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  AUTH_FAILURE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** The API base URL the CLI (`run`, `status`) talks to. @default this machine's own API: `http://127.0.0.1:$PORT` */
  CRM_BRIDGE_API_URL: url.optional(),
  CRM_BRIDGE_API_TOKEN: optionalText,
  JOBS_DIR: z.string().default('jobs'),
  MAPPINGS_DIR: z.string().default('mappings'),
  /** Named connections (`<name>.yaml`), besides the one per provider the environment describes. */
  CONNECTIONS_DIR: z.string().default('connections'),
  DATA_DIR: z.string().default('.data'),
  /** How long a provider call waits for the answer's headers, then between chunks of its body, ms. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Records each worker process writes at once per target provider (each record one call at a time). */
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(8),
  /** Records per push job: queue overhead is paid per job, so a job carries a small batch. */
  PUSH_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(25),
  /** Records per source page. */
  PULL_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
  /** How far an incremental pull steps back from the last high-water mark, ms. */
  PULL_LOOKBACK_MS: z.coerce.number().int().min(0).default(60_000),
  /** This process's name on the jobs it runs (`processedBy` in the dashboard). @default `<host>-<pid>` */
  WORKER_NAME: optionalText,
  /** A job's lock period, ms: a killed worker's jobs go to another worker once it lapses. */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** An async write (Propexo) still PENDING this long is reported as failed (a create: OUTCOME_UNKNOWN). */
  CONFIRM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(24 * 3600_000).default(10 * 60_000),
  /**
   * A PENDING run that has not moved for this long (ms) and whose jobs Redis lost (an AOF restart, a failover) is
   * re-driven, or ended with its reason and followed by a recovery run; checked every third of it.
   */
  RUN_STALL_MS: z.coerce.number().int().min(1_000).max(24 * 3600_000).default(120_000),
  /** Seconds a graceful shutdown waits for active jobs before it gives up on them. */
  SHUTDOWN_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(8),
});

/**
 * Per provider (in its env piece): its credentials and hosts, a request budget shared by every worker
 * (`<P>_RATE_LIMIT` requests per `<P>_RATE_WINDOW_MS`) and how many records each process writes to it at once
 * (`<P>_PUSH_CONCURRENCY`, else PUSH_CONCURRENCY).
 */
export const EnvSchema = BaseEnvSchema.extend(providerEnvShape());
export type Env = z.infer<typeof EnvSchema>;

/** Parses the environment; every bad variable is listed in one ConfigError. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (docker-compose passes `FOO=` for unset variables).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    // A variable's value may be a secret: name the variable and the rule, never the value.
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
