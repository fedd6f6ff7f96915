import { ProviderHttp, type ErrorDescription } from '../http.ts';
import type { CallOptions, RequestGate } from '../types.ts';
import {
  PowerChordErrorBody,
  PowerChordLead,
  PowerChordLeadCreate,
  PowerChordLeadCreated,
  type PowerChordLeadUpdate,
} from './schema.ts';

export function describePowerChordError(body: unknown): ErrorDescription | null {
  const parsed = PowerChordErrorBody.safeParse(body);
  if (!parsed.success) return null;
  const message = parsed.data.message ?? parsed.data.error;
  return message ? { message, fields: parsed.data.fields ?? [] } : null;
}

export interface PowerChordClientOptions {
  /** The API host of the connection's region (`https://api.powerchord.com` or `.eu`). */
  apiBaseUrl: string;
  /** The leads host of the same region (`https://leads.powerchord.com` or `.eu`). */
  leadsBaseUrl: string;
  token: string;
  timeoutMs: number;
  gate?: RequestGate | undefined;
}

/** PowerChord's lead API: create on the leads host (lower-case body), update on the API host (capitalised). */
export class PowerChordClient {
  readonly #http: ProviderHttp;
  readonly #leadsBaseUrl: string;

  constructor(options: PowerChordClientOptions) {
    this.#http = new ProviderHttp({
      provider: 'powerchord',
      baseUrl: options.apiBaseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      gate: options.gate,
      describeError: describePowerChordError,
    });
    this.#leadsBaseUrl = options.leadsBaseUrl.replace(/\/+$/, '');
  }

  async createLead(trunkId: string, body: PowerChordLeadCreate, options: CallOptions = {}) {
    const json = PowerChordLeadCreate.parse(body);
    const url = `${this.#leadsBaseUrl}/v1/${encodeURIComponent(trunkId)}`;
    const { body: created } = await this.#http.request('POST', '', { url, json, schema: PowerChordLeadCreated, signal: options.signal });
    return created;
  }

  async updateLead(leadId: string, body: PowerChordLeadUpdate, options: CallOptions = {}): Promise<PowerChordLead> {
    const { body: lead } = await this.#http.request('PATCH', `v3/lead/${encodeURIComponent(leadId)}`, { json: body, schema: PowerChordLead, signal: options.signal });
    return lead;
  }
}
