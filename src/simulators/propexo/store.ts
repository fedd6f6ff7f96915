import type { PropexoCreateBody, PropexoProspect, PropexoUpdateBody } from '../../providers/propexo/schema.ts';
import { seededRandom } from '../faults.ts';

export type WriteKind = 'create' | 'update';
export type JobStatus = 'PENDING' | 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILURE';

/** How a queued write ends. A FAILURE without errors gets a generic message. */
export type WriteOutcome = 'SUCCESS' | 'FAILURE' | { status: 'SUCCESS' } | { status: 'FAILURE'; errors: string[] };

export interface WriteRequest {
  kind: WriteKind;
  /** The prospect an update targets; null for a create. */
  prospectId: string | null;
  body: PropexoCreateBody | PropexoUpdateBody;
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
  readonly #records = new Map<string, PropexoProspect>();
  readonly #jobs = new Map<string, StoredJob>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #forced: WriteOutcome[] = [];
  #lastStamp = 0;

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
  seed(records: ReadonlyArray<Partial<PropexoProspect>>): PropexoProspect[] {
    return records.map((partial) => {
      const at = this.stamp();
      const record: PropexoProspect = { ...partial, id: partial.id ?? this.newId(), created_at: partial.created_at ?? at, updated_at: partial.updated_at ?? at };
      this.#records.set(record.id, record);
      return record;
    });
  }

  all(): PropexoProspect[] {
    return [...this.#records.values()];
  }

  get(id: string): PropexoProspect | undefined {
    return this.#records.get(id);
  }

  /** Forgets every prospect and job and cancels the pending resolutions. */
  clear(): void {
    this.close();
    this.#records.clear();
    this.#jobs.clear();
    this.#forced.length = 0;
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

  /** Queues a write: PENDING now, resolved after `writeDelayMs`. */
  submit(write: WriteRequest): StoredJob {
    const outcome = this.#forced.shift() ?? this.#decide?.(write) ?? (this.#random() < this.failureRate ? 'FAILURE' : 'SUCCESS');
    const job: StoredJob = { ...write, id: this.newId(), status: 'PENDING', errors: [], createdRecordId: null, retriedAs: null };
    this.#jobs.set(job.id, job);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#resolve(job, outcome);
    }, this.writeDelayMs);
    timer.unref();
    this.#timers.add(timer);
    return job;
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
      return;
    }
    if (job.kind === 'create') {
      const at = this.stamp();
      const record: PropexoProspect = { ...job.body, id: this.newId(), created_at: at, updated_at: at };
      this.#records.set(record.id, record);
      job.createdRecordId = record.id;
      job.status = 'SUCCESS';
      return;
    }
    const current = job.prospectId === null ? undefined : this.#records.get(job.prospectId);
    if (!current) {
      job.status = 'FAILURE';
      job.errors = [`Prospect ${job.prospectId ?? '(none)'} not found`];
      return;
    }
    const { notes, ...fields } = job.body;
    // Propexo appends notes to the existing ones instead of replacing them.
    const merged = notes === undefined ? current.notes : current.notes ? `${current.notes}\n${notes}` : notes;
    this.#records.set(current.id, { ...current, ...fields, ...(merged === undefined ? {} : { notes: merged }), updated_at: this.stamp() });
    job.status = 'SUCCESS';
  }
}
