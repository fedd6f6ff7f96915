import { MonotonicClock, parseMicros, randomAlnum, zonelessMicros } from '../ids.ts';
import { TRATA_SIM_STATUSES } from './validate.ts';

export interface TrataStoredProspect {
  id: string;
  orgId: string;
  status: string;
  name: string | null;
  email: string | null;
  phoneNumber: string | null;
  externalReference: Array<Record<string, unknown>>;
  prospectProps: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** µs of updatedAt, kept for ordering and filtering. */
  updatedMicros: number;
  createdMicros: number;
}

export type TrataWritable = Partial<Pick<TrataStoredProspect, 'status' | 'name' | 'email' | 'phoneNumber' | 'externalReference' | 'prospectProps'>>;

const ORG_ID = 'org.1726902940.GZChqlpU';

/** The Trata simulator's data. Sorted views are cached and dropped on every write, so paging 100k records stays cheap. */
export class TrataStore {
  readonly #records = new Map<string, TrataStoredProspect>();
  readonly #clock = new MonotonicClock();
  #sorted = new Map<string, TrataStoredProspect[]>();

  create(input: TrataWritable & { status: string }, actor = 'api-user'): TrataStoredProspect {
    const micros = this.#clock.nowMicros();
    const stamp = zonelessMicros(micros);
    const record: TrataStoredProspect = {
      id: `pro.${Math.floor(micros / 1_000_000)}.${randomAlnum(8)}`,
      orgId: ORG_ID,
      status: input.status,
      name: input.name ?? null,
      email: input.email ?? null,
      phoneNumber: input.phoneNumber ?? null,
      externalReference: input.externalReference ?? [],
      prospectProps: input.prospectProps ?? {},
      createdBy: actor,
      createdAt: stamp,
      updatedBy: actor,
      updatedAt: stamp,
      updatedMicros: micros,
      createdMicros: micros,
    };
    this.#records.set(record.id, record);
    this.#sorted.clear();
    return record;
  }

  /** PUT semantics: every writable field is replaced; a field left out becomes null (or empty). */
  replace(id: string, input: TrataWritable & { status: string }, actor = 'api-user'): TrataStoredProspect | null {
    const existing = this.#records.get(id);
    if (!existing) return null;
    return this.#touch(existing, {
      status: input.status,
      name: input.name ?? null,
      email: input.email ?? null,
      phoneNumber: input.phoneNumber ?? null,
      externalReference: input.externalReference ?? [],
      prospectProps: input.prospectProps ?? {},
    }, actor);
  }

  /** For tests and the sandbox: change some fields, as a user of Trata's own UI would. */
  modify(id: string, changes: TrataWritable): TrataStoredProspect | null {
    const existing = this.#records.get(id);
    return existing ? this.#touch(existing, changes, 'trata-user') : null;
  }

  #touch(existing: TrataStoredProspect, changes: TrataWritable, actor: string): TrataStoredProspect {
    const micros = this.#clock.nowMicros();
    const updated: TrataStoredProspect = { ...existing, ...changes, updatedBy: actor, updatedAt: zonelessMicros(micros), updatedMicros: micros };
    this.#records.set(existing.id, updated);
    this.#sorted.clear();
    return updated;
  }

  /**
   * For tests: gives every record in `ids` one and the same `updatedAt` (a fresh clock reading unless `micros` is
   * given), as a bulk import writing many records in one instant would. Real Trata timestamps have microseconds, so
   * ties are rare, but nothing documented rules them out.
   */
  restamp(ids: readonly string[], micros: number = this.#clock.nowMicros()): TrataStoredProspect[] {
    const stamp = zonelessMicros(micros);
    const updated = ids.map((id) => {
      const existing = this.#records.get(id);
      if (!existing) throw new Error(`no prospect ${id}`);
      const record = { ...existing, updatedAt: stamp, updatedMicros: micros };
      this.#records.set(id, record);
      return record;
    });
    this.#sorted.clear();
    return updated;
  }

  delete(id: string): boolean {
    const deleted = this.#records.delete(id);
    if (deleted) this.#sorted.clear();
    return deleted;
  }

  get(id: string): TrataStoredProspect | undefined {
    return this.#records.get(id);
  }

  all(): TrataStoredProspect[] {
    return [...this.#records.values()];
  }

  get size(): number {
    return this.#records.size;
  }

  clear(): void {
    this.#records.clear();
    this.#sorted.clear();
  }

  /** Puts prospects back exactly as a store held them, ids and times included (a store saved earlier, in tests). */
  restore(records: readonly TrataStoredProspect[]): void {
    for (const record of records) this.#records.set(record.id, { ...record });
    this.#sorted.clear();
  }

  /** Seeds `count` sample prospects, cycling through every status. */
  seed(count: number): TrataStoredProspect[] {
    const made: TrataStoredProspect[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.#records.size + 1;
      made.push(
        this.create(
          {
            status: TRATA_SIM_STATUSES[i % TRATA_SIM_STATUSES.length] ?? 'NEW',
            name: `Sample Prospect ${n}`,
            email: `prospect${n}@example.com`,
            phoneNumber: `+1 415 555 ${String(1000 + (n % 9000)).padStart(4, '0')}`,
            externalReference: [],
            prospectProps: { source: 'simulator-seed' },
          },
          'trata-system',
        ),
      );
    }
    return made;
  }

  sortedBy(field: 'createdAt' | 'updatedAt' | 'name' | 'email' | 'phoneNumber' | 'status', order: 'asc' | 'desc'): TrataStoredProspect[] {
    const key = `${field}:${order}`;
    let sorted = this.#sorted.get(key);
    if (!sorted) {
      const value = (r: TrataStoredProspect): string | number =>
        field === 'updatedAt' ? r.updatedMicros : field === 'createdAt' ? r.createdMicros : (r[field] ?? '');
      const sign = order === 'asc' ? 1 : -1;
      sorted = this.all().sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va < vb) return -sign;
        if (va > vb) return sign;
        return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
      });
      this.#sorted.set(key, sorted);
    }
    return sorted;
  }
}

export { parseMicros };
