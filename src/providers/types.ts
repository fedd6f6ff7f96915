import type { z } from 'zod';
import type { RunningSimulator } from '../simulators/server.ts';

export const PROVIDER_NAMES = ['trata', 'overplane', 'propexo', 'powerchord'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** What the engine may ask of a provider. The engine decides from these, never from a provider's name. */
export interface Capabilities {
  /** Records can be listed page by page (PowerChord: no). */
  list: boolean;
  /** Listing can resume from an updated-at high-water mark; otherwise every run is a full scan plus a diff. */
  incremental: boolean;
  get: boolean;
  create: boolean;
  update: boolean;
  delete: boolean;
  /** Writes answer a job id whose outcome is read later (Propexo write-status). */
  asyncWrites: boolean;
  /** Keys `findExisting` can look a record up by before a create, so a retried create makes no duplicate. */
  searchBy: readonly SearchKey[];
}
export type SearchKey = 'email' | 'externalId';

/** A provider-defined, JSON-serialisable position in a listing. `null` means "from the start". */
export type Cursor = Readonly<Record<string, string | number | boolean | null>> | null;

/** One record read from a source, in the provider's own shape (`data`, parsed by its response schema). */
export interface SourceRecord {
  id: string;
  /** ISO 8601 in UTC, when the provider has it. */
  updatedAt: string | null;
  data: Record<string, unknown>;
}

export interface ListPage {
  records: SourceRecord[];
  /** The position just past this page: where the next page starts, and, on the last page, the run's high-water mark. */
  next: Cursor;
  /** True when there is no page after this one. */
  done: boolean;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface CreateOptions extends CallOptions {
  /**
   * Called as soon as the record exists, before any follow-up call of a multi-call create (PowerChord's ExternalID
   * PATCH, Overplane's prospect-lead): the caller records the id, so a crash during the follow-up leaves a record
   * to update, not an unknown outcome.
   */
  onCreated?: ((targetId: string) => Promise<void>) | undefined;
}

export interface ListOptions extends CallOptions {
  /** Records per page; the connector clamps it to the provider's maximum. */
  pageSize?: number;
}

/** A synchronous write names the record; an asynchronous one (Propexo) names the job to confirm. */
export type WriteResult =
  | { kind: 'done'; targetId: string }
  | { kind: 'pending'; jobId: string; targetId: string | null };

export const WRITE_STATUSES = ['PENDING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'] as const;
export type WriteStatusValue = (typeof WRITE_STATUSES)[number];
export interface WriteStatus {
  status: WriteStatusValue;
  errors: string[];
  createdRecordId: string | null;
}

/** The rate-limit budget a provider reported on its last response, when it reports one. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  observedAt: number;
}

/** What the engine sees of one provider connection. Optional methods exist exactly when the capability does. */
export interface Connector {
  readonly provider: ProviderName;
  readonly connection: string;
  readonly capabilities: Capabilities;
  listPage?(cursor: Cursor, options?: ListOptions): Promise<ListPage>;
  /**
   * The cursor where the next incremental run should start, given the `next` of a finished run's last page,
   * stepping back `lookbackMs` so that late-committed updates are not missed. Only for incremental sources.
   */
  resumeCursor?(lastCursor: Cursor, lookbackMs: number): Cursor;
  /**
   * The cursor of a listing that reads every record updated at or after `since` (ISO 8601), or from the start for
   * null: where a rewind (src/sync/rewind.ts) puts a sync. Only for incremental sources.
   */
  cursorAt?(since: string | null): Cursor;
  /** The instant a cursor reads from (records updated at or after it), null for the start. Only for incremental sources. */
  cursorSince?(cursor: Cursor): string | null;
  get?(id: string, options?: CallOptions): Promise<SourceRecord | null>;
  /** `body` is the mapped, validated write body (the provider's `writeSchema`). */
  create?(body: Record<string, unknown>, options?: CreateOptions): Promise<WriteResult>;
  update?(id: string, body: Record<string, unknown>, options?: CallOptions): Promise<WriteResult>;
  delete?(id: string, options?: CallOptions): Promise<void>;
  /**
   * Looks up the record a write body describes (by the fields in `capabilities.searchBy`), before creating it, so
   * that a create retried after a crash finds the record the first attempt made. Returns the target id or null.
   */
  findExisting?(body: Record<string, unknown>, options?: CallOptions): Promise<string | null>;
  writeStatus?(jobId: string, options?: CallOptions): Promise<WriteStatus>;
  retryWrite?(jobId: string, options?: CallOptions): Promise<{ jobId: string }>;
  rateLimitState?(): RateLimitState | null;
}

/**
 * A provider as the rest of the code knows it without a connection: its schemas (which the mapping engine checks
 * mappings against) and how to connect.
 */
export interface ProviderDefinition<W extends z.ZodType = z.ZodType, E extends z.ZodObject = z.ZodObject> {
  readonly name: ProviderName;
  readonly capabilities: Capabilities;
  /** The shape of a record read from this provider (mapping sources are checked against it); null if write-only. */
  readonly recordSchema: z.ZodObject | null;
  /** The body a mapping must produce to write to this provider (mapping targets are checked against it). */
  readonly writeSchema: W;
  connect(connection: ConnectionConfig): Connector;
  /** The settings to check when a connection-level error repeats (named in the run's reason). */
  readonly settingHints?: Partial<Record<ConnectionFault, string>>;
  /**
   * This provider's environment variables (`<PROVIDER>_*`: credentials, hosts, settings, request budget), merged
   * into the one schema of `config/env.ts`.
   */
  readonly envSchema: E;
  /**
   * The connection the environment describes, or null when it names no credential (the sandbox then simulates the
   * provider). A half-set environment throws a ConfigError naming the variables, never their values.
   */
  fromEnv(env: z.output<E>): ConnectionSettings | null;
  /** The environment variable behind each connection setting: `token`, `baseUrl` and every key of `options`. */
  readonly envVariables: Readonly<Record<string, string>>;
  /** The provider's documented hosts by role (production, sandbox, region): the one place its base URLs are written. */
  readonly defaultHosts: Readonly<Record<string, string>>;
  /** Its simulator as the sandbox starts it, and the connection aimed at it. */
  readonly sandbox: ProviderSandbox;
}

/** What the environment or a sandbox decides of a connection; its name and timeout are the caller's. */
export interface ConnectionSettings {
  baseUrl: string;
  /** Empty when the connection fetches its own tokens from credentials in `options`. */
  token: string;
  /** Provider-specific settings; an undefined one is left out of the connection. */
  options: Readonly<Record<string, string | undefined>>;
}

/** A provider's simulator in the sandbox (`npm start` without credentials, `crm-bridge simulate`, tests). */
export interface ProviderSandbox<S extends RunningSimulator & { store: unknown } = RunningSimulator & { store: unknown }> {
  /** Consecutive ports the simulator listens on from the port it is given (PowerChord: four hosts). */
  readonly ports: number;
  /** Starts the simulator on `port` (0: free ports), seeded with `records` sample prospects where it is a source. */
  start(options: { port: number; records: number }): Promise<S>;
  /** The connection aimed at a running simulator of this provider. */
  connection(sim: S): ConnectionSettings;
  /** The request budget the sandbox keeps to, when the simulator enforces one. */
  budget?(sim: S): NonNullable<ConnectionConfig['rateLimit']>;
}

/** An answer that would be the same for every record of a connection: calling on is pointless. */
export type ConnectionFault = 'auth' | 'target' | 'unreachable';

/**
 * Decides, before each call, whether the provider's request budget allows it now. Shared by every process (it lives
 * in Redis), so a provider's limit holds across all workers. Answers 0 (go) or how many ms to wait.
 */
export interface RequestGate {
  acquire(): Promise<number>;
}

/** One configured connection to a provider. The token is resolved from the environment, never stored in jobs. */
export interface ConnectionConfig {
  name: string;
  provider: ProviderName;
  /** The API base URL (e.g. `https://api.trata.ai`). */
  baseUrl: string;
  token: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Provider-specific settings (PowerChord trunk/organization/leads host, Propexo integration id, ...). */
  options: Readonly<Record<string, string>>;
  /**
   * The provider's request budget, when it has one (Propexo: 150 a minute). `marginMs` lengthens our window past
   * the provider's, covering the time a request takes to arrive. @default marginMs 250
   */
  rateLimit?: { limit: number; windowMs: number; marginMs?: number };
  /** Set by the engine from `rateLimit`: every call of this connection passes through it. */
  gate?: RequestGate | undefined;
  /** Records each process writes to this connection at once. @default `<PROVIDER>_PUSH_CONCURRENCY`, else PUSH_CONCURRENCY */
  pushConcurrency?: number;
  /** Where it is defined: `environment`, `sandbox`, or its file (`connections/<name>.yaml`). @default environment */
  definedIn?: string;
}
