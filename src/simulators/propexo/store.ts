import { seededRandom } from '../faults.ts';
import type { CreateBody, UpdateBody } from './validate.ts';

export type WriteKind = 'create' | 'update';
export type JobStatus = 'PENDING' | 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILURE';

/**
 * A prospect as the simulator keeps it: `id`, the written fields, `integration_id`, `community_id`, `lease_id`,
 * `created_at` and `updated_at` (ISO 8601). *Assumed*: the docs show no CRM prospect record.
 */
export interface SimProspect {
  id: string;
  created_at: string;
  updated_at: string;
  integration_id?: string | null | undefined;
  community_id?: string | null | undefined;
  lease_id?: string | null | undefined;
  middle_name?: string | null | undefined;
  attribution_id?: string | null | undefined;
  first_contact_type?: string | null | undefined;
  email_1?: string | null | undefined;
  phone_1?: string | null | undefined;
  phone_2?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
  move_in_date?: string | null | undefined;
  rent_minimum_in_cents?: number | null | undefined;
  rent_maximum_in_cents?: number | null | undefined;
  notes?: string | null | undefined;
  pets?: string[] | null | undefined;
  agent_id?: string | null | undefined;
  number_of_occupants?: number | null | undefined;
  lease_term_in_months?: number | null | undefined;
  desired_num_bedrooms?: number[] | null | undefined;
  address_1?: string | null | undefined;
  address_2?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  zip?: string | null | undefined;
  country?: string | null | undefined;
  preferred_contact_method?: string | null | undefined;
  subscribe?: boolean | null | undefined;
  prospect_source?: string | null | undefined;
  last_seen?: string | null | undefined;
}

/**
 * How a queued write ends. A FAILURE without errors gets a generic message. `createdRecordId` on an update
 * reproduces the OpenAPI's warning that write-status's `created_record_id` "could be related to a different model
 * than expected" (a job that spawned another job).
 */
export type WriteOutcome =
  | 'SUCCESS'
  | 'FAILURE'
  | { status: 'SUCCESS'; createdRecordId?: string }
  | { status: 'FAILURE'; errors: string[] };

export interface WriteRequest {
  kind: WriteKind;
  /** The prospect an update targets; null for a create. */
  prospectId: string | null;
  body: CreateBody | UpdateBody;
}

export interface StoredJob extends WriteRequest {
  id: string;
  status: JobStatus;
  errors: string[];
  createdRecordId: string | null;
  /** The job that re-ran this one through retry-write. */
  retriedAs: string | null;
}

export interface StoreOptions {
  /** Seed of the id and failure PRNG. @default 1 */
  seed?: number;
  /** How long a write stays PENDING. @default 100 */
  writeDelayMs?: number;
  /** Share of writes (0..1) that end in FAILURE. @default 0 */
  failureRate?: number;
  /** A per-call rule; wins over `failureRate` when it returns an outcome. */
  decideWrite?: (write: WriteRequest) => WriteOutcome | undefined;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The simulator's state: prospects, write jobs and their timers. Tests reach it through `sim.store`. */
export class PropexoStore {
  writeDelayMs: number;
  failureRate: number;
  readonly #decide: StoreOptions['decideWrite'];
  readonly #random: () => number;
  readonly #records = new Map<string, SimProspect>();
  readonly #jobs = new Map<string, StoredJob>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #forced: WriteOutcome[] = [];
  /** Called when a write job leaves PENDING (the webhook sender listens here): the record before and after. */
  onResolved: ((job: StoredJob, before: SimProspect | null, after: SimProspect | null) => void) | undefined;
  /** Resolutions of writes held at PENDING, run by `releaseHeld()`. */
  readonly #held: Array<() => void> = [];
  #lastStamp = 0;
  /**
   * While true, new writes stay PENDING until `releaseHeld()`: a write-status that does not move for as long as
   * Propexo's backlog lasts. Writes already queued resolve as usual.
   */
  holdWrites = false;

  constructor(options: StoreOptions = {}) {
    this.writeDelayMs = options.writeDelayMs ?? 100;
    this.failureRate = options.failureRate ?? 0;
    this.#decide = options.decideWrite;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** Propexo ids look like cuids (`c` + 24 base-36 characters). */
  newId(): string {
    let id = 'c';
    for (let i = 0; i < 24; i++) id += ID_ALPHABET[Math.floor(this.#random() * 36)];
    return id;
  }

  /** Strictly increasing timestamps, so the updated_at order is never a tie unless a test seeds one. */
  stamp(): string {
    this.#lastStamp = Math.max(Date.now(), this.#lastStamp + 1);
    return new Date(this.#lastStamp).toISOString();
  }

  /** Adds prospects as they are, filling `id`, `created_at` and `updated_at` when absent. */
  seed(records: ReadonlyArray<Partial<SimProspect>>): SimProspect[] {
    return records.map((partial) => {
      const at = this.stamp();
      const record: SimProspect = { ...partial, id: partial.id ?? this.newId(), created_at: partial.created_at ?? at, updated_at: partial.updated_at ?? at };
      this.#records.set(record.id, record);
      return record;
    });
  }

  all(): SimProspect[] {
    return [...this.#records.values()];
  }

  get(id: string): SimProspect | undefined {
    return this.#records.get(id);
  }

  /** Forgets every prospect and job and cancels the pending resolutions. */
  clear(): void {
    this.close();
    this.#records.clear();
    this.#jobs.clear();
    this.#forced.length = 0;
    this.#held.length = 0;
  }

  /** The next write (or the next `times` writes) end this way, whatever the failure rate says. */
  forceNextWrite(outcome: WriteOutcome, times = 1): void {
    for (let i = 0; i < times; i++) this.#forced.push(outcome);
  }

  jobs(): StoredJob[] {
    return [...this.#jobs.values()];
  }

  job(id: string): StoredJob | undefined {
    return this.#jobs.get(id);
  }

  /**
   * Test hook: Propexo no longer knows write job `id` (its write-status and retry-write then answer 400 `No write
   * job <id>`, as for an id it never issued). Propexo's docs say nothing of how long write statuses are kept; we
   * *assume* only ended jobs are forgotten, so forgetting one still PENDING is refused.
   */
  forgetJob(id: string): void {
    const job = this.#jobs.get(id);
    if (!job) throw new Error(`no write job ${id} to forget`);
    if (job.status === 'PENDING') throw new Error(`write job ${id} is still PENDING: only ended jobs are forgotten`);
    this.#jobs.delete(id);
  }

  /** Queues a write: PENDING now, resolved after `writeDelayMs`. */
  submit(write: WriteRequest): StoredJob {
    const outcome = this.#forced.shift() ?? this.#decide?.(write) ?? (this.#random() < this.failureRate ? 'FAILURE' : 'SUCCESS');
    const job: StoredJob = { ...write, id: this.newId(), status: 'PENDING', errors: [], createdRecordId: null, retriedAs: null };
    this.#jobs.set(job.id, job);
    const schedule = () => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#resolve(job, outcome);
      }, this.writeDelayMs);
      timer.unref();
      this.#timers.add(timer);
    };
    if (this.holdWrites) this.#held.push(schedule);
    else schedule();
    return job;
  }

  /** Lets the writes held at PENDING resolve (each after `writeDelayMs`, as they would have); returns how many. */
  releaseHeld(): number {
    const held = this.#held.splice(0);
    for (const schedule of held) schedule();
    return held.length;
  }

  /** retry-write: re-runs a FAILURE as a new job; null when the job is not a FAILURE. */
  retry(id: string): StoredJob | null {
    const job = this.#jobs.get(id);
    if (job?.status !== 'FAILURE') return null;
    const again = this.submit({ kind: job.kind, prospectId: job.prospectId, body: job.body });
    job.retriedAs = again.id;
    return again;
  }

  /** Cancels pending resolutions (the app's onClose). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #resolve(job: StoredJob, outcome: WriteOutcome): void {
    const status = typeof outcome === 'string' ? outcome : outcome.status;
    if (status === 'FAILURE') {
      job.status = 'FAILURE';
      job.errors = typeof outcome === 'object' && 'errors' in outcome && outcome.errors.length > 0 ? [...outcome.errors] : ['Simulated write failure'];
      this.onResolved?.(job, null, null);
      return;
    }
    if (job.kind === 'create') {
      const at = this.stamp();
      const record: SimProspect = { ...job.body, id: this.newId(), created_at: at, updated_at: at };
      this.#records.set(record.id, record);
      job.createdRecordId = record.id;
      job.status = 'SUCCESS';
      this.onResolved?.(job, null, record);
      return;
    }
    const current = job.prospectId === null ? undefined : this.#records.get(job.prospectId);
    if (!current) {
      job.status = 'FAILURE';
      job.errors = [`Prospect ${job.prospectId ?? '(none)'} not found`];
      this.onResolved?.(job, null, null);
      return;
    }
    const { notes, ...fields } = job.body;
    // Propexo appends notes to the existing ones instead of replacing them.
    const merged = notes === undefined ? current.notes : current.notes ? `${current.notes}\n${notes}` : notes;
    const updated: SimProspect = { ...current, ...fields, ...(merged === undefined ? {} : { notes: merged }), updated_at: this.stamp() };
    this.#records.set(current.id, updated);
    if (typeof outcome === 'object' && 'createdRecordId' in outcome && outcome.createdRecordId) job.createdRecordId = outcome.createdRecordId;
    job.status = 'SUCCESS';
    this.onResolved?.(job, current, updated);
  }
}
