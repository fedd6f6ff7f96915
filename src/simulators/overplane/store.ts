import { seededRandom } from '../faults.ts';
import { LEAD_RECORD_DEFAULTS, LEAD_RECORD_FIELDS, OverplaneSimError } from './validate.ts';

/** Prospect fields Overplane documents, all nullable in answers (unset fields come back as null: assumed). */
const PROSPECT_KEYS = [
  'company',
  'company_name',
  'industry',
  'market_segment',
  'customer_group',
  'territory',
  'no_of_employees',
  'annual_revenue',
  'fax',
  'website',
  'prospect_owner',
] as const;
const LEAD_KEYS = ['lead', 'lead_name', 'status', 'email', 'mobile_no', 'lead_owner'] as const;
const OPPORTUNITY_KEYS = ['opportunity', 'amount', 'stage', 'probability', 'expected_closing', 'currency', 'deal_owner', 'contact_person'] as const;

export type SimProspect = { id: string; created_at: string; updated_at: string } & Record<(typeof PROSPECT_KEYS)[number], string | number | null>;
export type SimLineItem = { id: string; idx: number; prospect_id: string } & Record<string, string | number | null>;
/** A Lead record (`/lead`): every documented field, unset ones null. */
export type SimLead = { id: string; created_at: string; updated_at: string } & Record<string, string | number | boolean | null>;
export type LineKind = 'prospect-lead' | 'prospect-opportunity';
type Fields = Record<string, string | number | boolean>;

export const LINE_KEYS: Readonly<Record<LineKind, readonly string[]>> = { 'prospect-lead': LEAD_KEYS, 'prospect-opportunity': OPPORTUNITY_KEYS };

/** What `seed()` accepts per record: the prospect's fields, and optionally its prospect-lead rows. */
/**
 * What `seed()` accepts per record: the prospect's fields, and optionally its prospect-lead rows. A row whose
 * `lead` names no Lead record gets one made from its own fields (name, email, mobile, status) and linked.
 */
export type SeedRecord = { [K in (typeof PROSPECT_KEYS)[number]]?: string | number } & { company: string; leads?: Array<Record<string, string | number>> };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Overplane's data, in memory. Prospects are kept in creation order and listed newest first; every create takes a
 * strictly later `created_at` than the one before, so the order is the creation order. Ids come from a seeded PRNG
 * so a seeded run is reproducible.
 */
export class OverplaneStore {
  #prospects = new Map<string, SimProspect>();
  #leads = new Map<string, SimLead>();
  #lines: Record<LineKind, Map<string, SimLineItem>> = { 'prospect-lead': new Map(), 'prospect-opportunity': new Map() };
  #random: () => number;
  #lastMs = 0;
  /**
   * Called after each `GET /prospect` is answered: a test uses it to create or delete records "mid-scan",
   * between two pages of the connector's listing. `null` for none.
   */
  afterList: ((served: { offset: number; limit: number; count: number }) => void) | null = null;

  constructor(seed = 1) {
    this.#random = seededRandom(seed);
  }

  #id(prefix: string): string {
    let id = `${prefix}_`;
    for (let i = 0; i < 14; i++) id += ALNUM[Math.floor(this.#random() * ALNUM.length)];
    return id;
  }

  #now(): string {
    this.#lastMs = Math.max(Date.now(), this.#lastMs + 1);
    return new Date(this.#lastMs).toISOString();
  }

  // ---- prospects ----

  createProspect(fields: Fields): SimProspect {
    const at = this.#now();
    const prospect = { id: this.#id('prospect'), created_at: at, updated_at: at } as SimProspect;
    for (const key of PROSPECT_KEYS) prospect[key] = (fields[key] as string | number | undefined) ?? null;
    this.#prospects.set(prospect.id, prospect);
    return { ...prospect };
  }

  getProspect(id: string): SimProspect {
    const prospect = this.#prospects.get(id);
    if (!prospect) throw new OverplaneSimError(404, `No such prospect: '${id}'`, 'id');
    return { ...prospect };
  }

  updateProspect(id: string, fields: Fields): SimProspect {
    const prospect = this.#prospects.get(id);
    if (!prospect) throw new OverplaneSimError(404, `No such prospect: '${id}'`, 'id');
    Object.assign(prospect, fields, { updated_at: this.#now() });
    return { ...prospect };
  }

  /** Deletes the prospect and its line items (assumed cascade). */
  deleteProspect(id: string): { id: string; deleted: true } {
    if (!this.#prospects.delete(id)) throw new OverplaneSimError(404, `No such prospect: '${id}'`, 'id');
    for (const lines of Object.values(this.#lines)) {
      for (const [lineId, line] of lines) if (line.prospect_id === id) lines.delete(lineId);
    }
    return { id, deleted: true };
  }

  listProspects(limit: number, offset: number): { data: SimProspect[]; has_more: boolean; total: number } {
    const newestFirst = this.all();
    const data = newestFirst.slice(offset, offset + limit);
    return { data, has_more: offset + data.length < newestFirst.length, total: newestFirst.length };
  }

  // ---- Lead records ----

  createLead(fields: Fields): SimLead {
    const at = this.#now();
    const lead = { id: this.#id('lead'), created_at: at, updated_at: at } as SimLead;
    for (const key of Object.keys(LEAD_RECORD_FIELDS)) lead[key] = fields[key] ?? LEAD_RECORD_DEFAULTS[key] ?? null;
    this.#leads.set(lead.id, lead);
    return { ...lead };
  }

  getLead(id: string): SimLead {
    const lead = this.#leads.get(id);
    if (!lead) throw new OverplaneSimError(404, `No such lead: '${id}'`, 'id');
    return { ...lead };
  }

  updateLead(id: string, fields: Fields): SimLead {
    const lead = this.#leads.get(id);
    if (!lead) throw new OverplaneSimError(404, `No such lead: '${id}'`, 'id');
    Object.assign(lead, fields, { updated_at: this.#now() });
    return { ...lead };
  }

  deleteLead(id: string): { id: string; deleted: true } {
    if (!this.#leads.delete(id)) throw new OverplaneSimError(404, `No such lead: '${id}'`, 'id');
    return { id, deleted: true };
  }

  listLeads(limit: number, offset: number): { data: SimLead[]; has_more: boolean; total: number } {
    const newestFirst = [...this.#leads.values()].reverse();
    const data = newestFirst.slice(offset, offset + limit).map((lead) => ({ ...lead }));
    return { data, has_more: offset + data.length < newestFirst.length, total: newestFirst.length };
  }

  /** Every Lead record, oldest first (for tests). */
  leads(): SimLead[] {
    return [...this.#leads.values()].map((lead) => ({ ...lead }));
  }

  /** A prospect-lead's `lead` must name a Lead record (assumed link, see the connector's schema.ts). */
  #checkLeadLink(value: unknown): void {
    if (typeof value === 'string' && !this.#leads.has(value)) throw new OverplaneSimError(400, `No such lead: '${value}'`, 'lead');
  }

  // ---- line items ----

  #parent(kind: LineKind, parentId: string): SimLineItem[] {
    if (!this.#prospects.has(parentId)) throw new OverplaneSimError(404, `No such prospect: '${parentId}'`, 'parent_id');
    return [...this.#lines[kind].values()].filter((line) => line.prospect_id === parentId).sort((a, b) => a.idx - b.idx);
  }

  #line(kind: LineKind, id: string): SimLineItem {
    const line = this.#lines[kind].get(id);
    if (!line) throw new OverplaneSimError(404, `No such ${kind}: '${id}'`, 'id');
    return line;
  }

  listLines(kind: LineKind, parentId: string): SimLineItem[] {
    return this.#parent(kind, parentId).map((line) => ({ ...line }));
  }

  /**
   * Adds a row: at the `idx` given (documented as writable), else at the end (largest idx + 1). Rows list by idx,
   * ties in creation order.
   */
  createLine(kind: LineKind, fields: Fields): SimLineItem {
    const parentId = String(fields['prospect_id']);
    if (!this.#prospects.has(parentId)) throw new OverplaneSimError(400, `No such prospect: '${parentId}'`, 'prospect_id');
    if (kind === 'prospect-lead') this.#checkLeadLink(fields['lead']);
    const siblings = this.#parent(kind, parentId);
    const idx = typeof fields['idx'] === 'number' ? fields['idx'] : (siblings.at(-1)?.idx ?? 0) + 1;
    const line = { id: this.#id(kind), idx, prospect_id: parentId } as SimLineItem;
    for (const key of LINE_KEYS[kind]) line[key] = (fields[key] as string | number | undefined) ?? null;
    this.#lines[kind].set(line.id, line);
    return { ...line };
  }

  updateLine(kind: LineKind, id: string, fields: Fields): SimLineItem {
    const line = this.#line(kind, id);
    if (kind === 'prospect-lead') this.#checkLeadLink(fields['lead']);
    Object.assign(line, fields);
    return { ...line };
  }

  deleteLine(kind: LineKind, id: string): { id: string; deleted: true } {
    this.#line(kind, id);
    this.#lines[kind].delete(id);
    return { id, deleted: true };
  }

  /** Renumbers the parent's rows 1..n in the given order, which must name each of its rows exactly once. */
  reorderLines(kind: LineKind, parentId: string, order: readonly string[]): SimLineItem[] {
    const rows = this.#parent(kind, parentId);
    const ids = new Set(rows.map((row) => row.id));
    if (order.length !== ids.size || new Set(order).size !== order.length || order.some((id) => !ids.has(id))) {
      throw new OverplaneSimError(400, `order must list each ${kind} of prospect '${parentId}' exactly once`, 'order');
    }
    order.forEach((id, i) => {
      this.#line(kind, id).idx = i + 1;
    });
    return this.listLines(kind, parentId);
  }

  // ---- for tests and the sandbox ----

  /** Adds `n` generated prospects (each with one prospect-lead and its Lead) or the given records, oldest first. */
  seed(records: number | readonly SeedRecord[]): SimProspect[] {
    const list: SeedRecord[] =
      typeof records === 'number'
        ? Array.from({ length: records }, (_, i) => {
            const n = String(i + 1).padStart(4, '0');
            return {
              company: `Company ${n}`,
              company_name: `Company ${n} Ltd`,
              industry: 'Software',
              leads: [{ lead_name: `Person ${n}`, email: `person${n}@example.com`, mobile_no: `+1555000${n}`, status: 'Open' }],
            };
          })
        : [...records];
    return list.map(({ leads, ...fields }) => {
      const prospect = this.createProspect(fields);
      for (const row of leads ?? []) {
        const named = row['lead'];
        const link = typeof named === 'string' && this.#leads.has(named) ? named : this.#leadFor(row, fields.company_name ?? fields.company).id;
        this.createLine('prospect-lead', { ...row, prospect_id: prospect.id, lead: link });
      }
      return prospect;
    });
  }

  #leadFor(row: Record<string, string | number>, company: string | number): SimLead {
    const fields: Fields = { company_name: String(company) };
    for (const [from, to] of [['lead_name', 'lead_name'], ['email', 'email_id'], ['mobile_no', 'mobile_no'], ['status', 'status']] as const) {
      const value = row[from];
      if (typeof value === 'string') fields[to] = value;
    }
    return this.createLead(fields);
  }

  /** Every prospect, newest first (the list's order). */
  all(): SimProspect[] {
    return [...this.#prospects.values()].reverse().map((p) => ({ ...p }));
  }

  get(id: string): SimProspect | null {
    const prospect = this.#prospects.get(id);
    return prospect ? { ...prospect } : null;
  }

  /** Line items of one prospect, by idx (empty when it has none or does not exist). */
  lines(kind: LineKind, parentId: string): SimLineItem[] {
    return this.#prospects.has(parentId) ? this.listLines(kind, parentId) : [];
  }

  clear(): void {
    this.#prospects.clear();
    this.#leads.clear();
    for (const lines of Object.values(this.#lines)) lines.clear();
  }
}
