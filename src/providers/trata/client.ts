import type { z } from 'zod';
import { ProviderHttp, type ErrorDescription } from '../http.ts';
import type { CallOptions, ConnectionConfig } from '../types.ts';
import {
  TrataDeleteAnswer,
  TrataErrorBody,
  TrataProspect,
  TrataProspectList,
  type TrataListQuery,
  type TrataProspectInput,
} from './schema.ts';

/** Reads Trata's FastAPI error bodies: `{detail: [{loc, msg}]}` or `{detail: "..."}`. */
export function describeTrataError(body: unknown): ErrorDescription | null {
  const parsed = TrataErrorBody.safeParse(body);
  if (!parsed.success) return null;
  const { detail } = parsed.data;
  if (typeof detail === 'string') return { message: detail, fields: [] };
  const fields = detail.map((d) => d.loc.filter((part, i) => !(i === 0 && (part === 'body' || part === 'query' || part === 'path'))).join('.'));
  return { message: detail.map((d, i) => `${fields[i] || '(body)'}: ${d.msg}`).join('; '), fields };
}

/** Trata's REST API, one method per documented endpoint. */
export class TrataClient {
  readonly #http: ProviderHttp;

  constructor(connection: Pick<ConnectionConfig, 'baseUrl' | 'token' | 'timeoutMs' | 'gate'> & { name?: string }) {
    this.#http = new ProviderHttp({
      provider: 'trata',
      connection: connection.name,
      baseUrl: connection.baseUrl,
      token: connection.token,
      timeoutMs: connection.timeoutMs,
      gate: connection.gate,
      describeError: describeTrataError,
    });
  }

  async list(query: TrataListQuery, options: CallOptions = {}): Promise<z.infer<typeof TrataProspectList>> {
    const { body } = await this.#http.request('GET', 'v1/prospects', { searchParams: query, schema: TrataProspectList, signal: options.signal });
    return body;
  }

  async get(id: string, options: CallOptions = {}): Promise<TrataProspect> {
    const { body } = await this.#http.request('GET', `v1/prospects/${encodeURIComponent(id)}`, { schema: TrataProspect, signal: options.signal });
    return body;
  }

  async create(input: TrataProspectInput, options: CallOptions = {}): Promise<TrataProspect> {
    const { body } = await this.#http.request('POST', 'v1/prospects', { json: input, schema: TrataProspect, signal: options.signal });
    return body;
  }

  /** PUT is a full update: fields left out are cleared, and `status` is required. */
  async replace(id: string, input: TrataProspectInput, options: CallOptions = {}): Promise<TrataProspect> {
    const { body } = await this.#http.request('PUT', `v1/prospects/${encodeURIComponent(id)}`, { json: input, schema: TrataProspect, signal: options.signal });
    return body;
  }

  async delete(id: string, options: CallOptions = {}): Promise<string> {
    const { body } = await this.#http.request('DELETE', `v1/prospects/${encodeURIComponent(id)}`, { schema: TrataDeleteAnswer, signal: options.signal });
    return body.message;
  }
}
