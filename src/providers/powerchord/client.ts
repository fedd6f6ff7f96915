import { ProviderAuthError } from '../errors.ts';
import { ProviderHttp, type ErrorDescription } from '../http.ts';
import type { CallOptions, RequestGate } from '../types.ts';
import {
  PowerChordCreateAnswer,
  PowerChordErrorBody,
  PowerChordLeadCreate,
  PowerChordUpdateAnswer,
  type PowerChordLeadUpdate,
} from './schema.ts';
import type { TokenProvider } from './token.ts';

/** PowerChord's JSON errors (*assumed* `{error, message, fields}`); the documented 403 is the bare phrase `Not Authorized`. */
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
  /** Where bearer tokens come from: a static token, or one renewed from credentials. */
  tokens: TokenProvider;
  timeoutMs: number;
  gate?: RequestGate | undefined;
  /** The connection's name (metrics labels). @default powerchord */
  name?: string;
}

/**
 * PowerChord's lead API: create on the leads host (lower-case body), update on the API host (capitalised). A call
 * refused with 401/403 is sent once more with a renewed token, when the connection can renew one (the refusal
 * happened before anything was written, so the resend cannot duplicate a lead).
 */
export class PowerChordClient {
  readonly #options: PowerChordClientOptions;
  readonly #leadsBaseUrl: string;
  #http: { token: string; http: ProviderHttp } | null = null;

  constructor(options: PowerChordClientOptions) {
    this.#options = options;
    this.#leadsBaseUrl = options.leadsBaseUrl.replace(/\/+$/, '');
  }

  async createLead(trunkId: string, body: PowerChordLeadCreate, options: CallOptions = {}) {
    const json = PowerChordLeadCreate.parse(body);
    const url = `${this.#leadsBaseUrl}/v1/${encodeURIComponent(trunkId)}`;
    const { body: created } = await this.#authorized((http) => http.request('POST', '', { url, json, schema: PowerChordCreateAnswer, signal: options.signal }));
    return created;
  }

  /** Answers the lead's id, the one field of the answer (the whole lead) a write uses. */
  async updateLead(leadId: string, body: PowerChordLeadUpdate, options: CallOptions = {}): Promise<PowerChordUpdateAnswer> {
    const path = `v3/lead/${encodeURIComponent(leadId)}`;
    const { body: lead } = await this.#authorized((http) => http.request('PATCH', path, { json: body, schema: PowerChordUpdateAnswer, signal: options.signal }));
    return lead;
  }

  async #authorized<T>(call: (http: ProviderHttp) => Promise<T>): Promise<T> {
    const token = await this.#options.tokens.get();
    try {
      return await call(this.#httpFor(token));
    } catch (error) {
      if (!(error instanceof ProviderAuthError) || !this.#options.tokens.refused(token)) throw error;
      return call(this.#httpFor(await this.#options.tokens.get()));
    }
  }

  /** The HTTP client carrying `token` (one per token: the header is fixed at construction; the pool is shared). */
  #httpFor(token: string): ProviderHttp {
    if (this.#http?.token !== token) {
      const http = new ProviderHttp({
        provider: 'powerchord',
        connection: this.#options.name,
        baseUrl: this.#options.apiBaseUrl,
        token,
        timeoutMs: this.#options.timeoutMs,
        gate: this.#options.gate,
        describeError: describePowerChordError,
      });
      this.#http = { token, http };
    }
    return this.#http.http;
  }
}
