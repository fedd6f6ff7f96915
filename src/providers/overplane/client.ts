import type { z } from 'zod';
import { ProviderHttp, type ErrorDescription } from '../http.ts';
import type { CallOptions, ConnectionConfig } from '../types.ts';
import { OVERPLANE_HOSTS } from './hosts.ts';
import {
  OverplaneDeleted,
  OverplaneErrorBody,
  OverplaneLead,
  OverplaneLeadList,
  OverplaneProspect,
  OverplaneProspectLead,
  OverplaneProspectList,
  OverplaneProspectOpportunity,
  overplaneRows,
  type OverplaneLeadCreate,
  type OverplaneLeadUpdate,
  type OverplaneListQuery,
  type OverplaneProspectCreate,
  type OverplaneProspectLeadCreate,
  type OverplaneProspectLeadUpdate,
  type OverplaneProspectOpportunityCreate,
  type OverplaneProspectOpportunityUpdate,
  type OverplaneProspectUpdate,
  type OverplaneReorder,
} from './schema.ts';


/** Reads the (assumed) Stripe-style error body; `param` is the field the provider blames. */
export function describeOverplaneError(body: unknown): ErrorDescription | null {
  const parsed = OverplaneErrorBody.safeParse(body);
  if (!parsed.success) return null;
  const { message, param } = parsed.data.error;
  return { message, fields: param ? [param] : [] };
}

/**
 * One kind of line item (`prospect-lead`, `prospect-opportunity`): the same five endpoints, addressed by the
 * parent prospect's id.
 */
export class OverplaneLineItems<Row extends z.ZodType, Create, Update> {
  readonly #http: ProviderHttp;
  readonly #path: string;
  readonly #row: Row;
  readonly #rows;

  constructor(http: ProviderHttp, path: string, row: Row) {
    this.#http = http;
    this.#path = path;
    this.#row = row;
    this.#rows = overplaneRows(row);
  }

  /** `GET /{kind}?parent_id=`: every row of the prospect, by `idx`. */
  async list(parentId: string, options: CallOptions = {}): Promise<z.infer<Row>[]> {
    const { body } = await this.#http.request('GET', this.#path, { searchParams: { parent_id: parentId }, schema: this.#rows, signal: options.signal });
    return body as z.infer<Row>[];
  }

  async create(input: Create, options: CallOptions = {}): Promise<z.infer<Row>> {
    const { body } = await this.#http.request('POST', this.#path, { json: input, schema: this.#row, signal: options.signal });
    return body;
  }

  /** PATCH: fields left out stay as they are. */
  async update(id: string, input: Update, options: CallOptions = {}): Promise<z.infer<Row>> {
    const { body } = await this.#http.request('PATCH', `${this.#path}/${encodeURIComponent(id)}`, { json: input, schema: this.#row, signal: options.signal });
    return body;
  }

  async delete(id: string, options: CallOptions = {}): Promise<OverplaneDeleted> {
    const { body } = await this.#http.request('DELETE', `${this.#path}/${encodeURIComponent(id)}`, { schema: OverplaneDeleted, signal: options.signal });
    return body;
  }

  /** `POST /{kind}/reorder` (body assumed, see schema.ts): answers the rows in their new order. */
  async reorder(input: OverplaneReorder, options: CallOptions = {}): Promise<z.infer<Row>[]> {
    const { body } = await this.#http.request('POST', `${this.#path}/reorder`, { json: input, schema: this.#rows, signal: options.signal });
    return body as z.infer<Row>[];
  }
}

/** The `lead` resource: Lead records, which a prospect-lead row links by id (assumption 9 in schema.ts). */
export class OverplaneLeadRecords {
  readonly #http: ProviderHttp;

  constructor(http: ProviderHttp) {
    this.#http = http;
  }

  /** `GET /lead`: newest first, offset paging, like every Overplane list. */
  async list(query: OverplaneListQuery = {}, options: CallOptions = {}): Promise<z.infer<typeof OverplaneLeadList>> {
    const { body } = await this.#http.request('GET', 'lead', { searchParams: query, schema: OverplaneLeadList, signal: options.signal });
    return body;
  }

  async get(id: string, options: CallOptions = {}): Promise<OverplaneLead> {
    const { body } = await this.#http.request('GET', `lead/${encodeURIComponent(id)}`, { schema: OverplaneLead, signal: options.signal });
    return body;
  }

  async create(input: OverplaneLeadCreate, options: CallOptions = {}): Promise<OverplaneLead> {
    const { body } = await this.#http.request('POST', 'lead', { json: input, schema: OverplaneLead, signal: options.signal });
    return body;
  }

  /** PATCH: fields left out stay as they are. */
  async update(id: string, input: OverplaneLeadUpdate, options: CallOptions = {}): Promise<OverplaneLead> {
    const { body } = await this.#http.request('PATCH', `lead/${encodeURIComponent(id)}`, { json: input, schema: OverplaneLead, signal: options.signal });
    return body;
  }

  async delete(id: string, options: CallOptions = {}): Promise<OverplaneDeleted> {
    const { body } = await this.#http.request('DELETE', `lead/${encodeURIComponent(id)}`, { schema: OverplaneDeleted, signal: options.signal });
    return body;
  }
}

/** Overplane's CRM API, one method per documented endpoint. Bodies are sent as given; the connector parses them. */
export class OverplaneClient {
  readonly #http: ProviderHttp;
  /** Lead records (`/lead`), the people that prospect-lead rows link to. */
  readonly leadRecords: OverplaneLeadRecords;
  /** prospect-lead rows (`/prospect-lead`), addressed by the parent prospect. */
  readonly leads: OverplaneLineItems<typeof OverplaneProspectLead, OverplaneProspectLeadCreate, OverplaneProspectLeadUpdate>;
  readonly opportunities: OverplaneLineItems<typeof OverplaneProspectOpportunity, OverplaneProspectOpportunityCreate, OverplaneProspectOpportunityUpdate>;

  constructor(connection: Pick<ConnectionConfig, 'baseUrl' | 'token' | 'timeoutMs' | 'gate'> & { name?: string }) {
    this.#http = new ProviderHttp({
      provider: 'overplane',
      connection: connection.name,
      baseUrl: connection.baseUrl || OVERPLANE_HOSTS.api,
      token: connection.token,
      timeoutMs: connection.timeoutMs,
      gate: connection.gate,
      describeError: describeOverplaneError,
    });
    this.leadRecords = new OverplaneLeadRecords(this.#http);
    this.leads = new OverplaneLineItems(this.#http, 'prospect-lead', OverplaneProspectLead);
    this.opportunities = new OverplaneLineItems(this.#http, 'prospect-opportunity', OverplaneProspectOpportunity);
  }

  /** `GET /prospect`: newest first, offset paging. */
  async list(query: OverplaneListQuery = {}, options: CallOptions = {}): Promise<OverplaneProspectList> {
    const { body } = await this.#http.request('GET', 'prospect', { searchParams: query, schema: OverplaneProspectList, signal: options.signal });
    return body;
  }

  async get(id: string, options: CallOptions = {}): Promise<OverplaneProspect> {
    const { body } = await this.#http.request('GET', `prospect/${encodeURIComponent(id)}`, { schema: OverplaneProspect, signal: options.signal });
    return body;
  }

  async create(input: OverplaneProspectCreate, options: CallOptions = {}): Promise<OverplaneProspect> {
    const { body } = await this.#http.request('POST', 'prospect', { json: input, schema: OverplaneProspect, signal: options.signal });
    return body;
  }

  /** PATCH: fields left out stay as they are. */
  async update(id: string, input: OverplaneProspectUpdate, options: CallOptions = {}): Promise<OverplaneProspect> {
    const { body } = await this.#http.request('PATCH', `prospect/${encodeURIComponent(id)}`, { json: input, schema: OverplaneProspect, signal: options.signal });
    return body;
  }

  async delete(id: string, options: CallOptions = {}): Promise<OverplaneDeleted> {
    const { body } = await this.#http.request('DELETE', `prospect/${encodeURIComponent(id)}`, { schema: OverplaneDeleted, signal: options.signal });
    return body;
  }
}
