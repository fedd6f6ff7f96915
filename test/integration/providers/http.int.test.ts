import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderAuthError, ProviderUnavailableError, ProviderValidationError } from '../../../src/providers/errors.ts';
import { MAX_RESPONSE_BYTES, ProviderHttp } from '../../../src/providers/http.ts';

// A bare server whose next answers the test scripts: 'reset' drops the connection before answering.
let server: http.Server;
let baseUrl: string;
let script: Array<'reset' | 'huge' | { status: number; body: unknown }> = [];
let seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
      const next = script.shift() ?? { status: 200, body: { ok: true } };
      if (next === 'reset') {
        request.socket.destroy();
        return;
      }
      if (next === 'huge') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(`"${'x'.repeat(MAX_RESPONSE_BYTES + 1)}"`);
        return;
      }
      response.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

const client = () =>
  new ProviderHttp({
    provider: 'acme',
    baseUrl,
    token: 'secret-token',
    timeoutMs: 2_000,
    describeError: (body) => (body && typeof body === 'object' && 'message' in body ? { message: String(body.message), fields: ['email'] } : null),
  });
const Ok = z.object({ ok: z.boolean() });

describe('ProviderHttp over a real socket', () => {
  it('sends the bearer token, the JSON body and the query, under the base path', async () => {
    const answer = await client().request('POST', 'v1/things', { json: { a: 1 }, searchParams: { page: 2, skip: undefined }, schema: Ok });
    expect(answer.body).toEqual({ ok: true });
    expect(seen).toEqual([{ method: 'POST', url: '/api/v1/things?page=2', authorization: 'Bearer secret-token', body: '{"a":1}' }]);
  });

  it('resends an idempotent call once after a dropped connection, transparently', async () => {
    script = ['reset'];
    const answer = await client().request('GET', 'v1/things', { schema: Ok });
    expect(answer.body).toEqual({ ok: true });
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
  });

  it('never resends a create, and says its outcome is unknown', async () => {
    script = ['reset'];
    const error = await client().request('POST', 'v1/things', { json: {}, schema: Ok }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).outcomeUnknown).toBe(true);
    expect((error as Error).message).toMatch(/^acme POST \/api\/v1\/things failed: /);
    expect(seen).toHaveLength(1);
  });

  it('does not resend a PUT the provider treats as non-idempotent', async () => {
    script = ['reset'];
    await expect(client().request('PUT', 'v1/things/1', { json: {}, schema: Ok, retryOnTransportError: false })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(seen).toHaveLength(1);
  });

  it('turns HTTP errors into typed errors with the provider reason, and never the token', async () => {
    script = [{ status: 422, body: { message: 'email is invalid' } }, { status: 401, body: {} }];
    const invalid = (await client().request('POST', 'v1/things', { json: {}, schema: Ok }).catch((e: unknown) => e)) as ProviderValidationError;
    expect(invalid).toBeInstanceOf(ProviderValidationError);
    expect(invalid.message).toBe('acme POST /api/v1/things answered 422: email is invalid');
    expect(invalid.fields).toEqual(['email']);
    const denied = await client().request('GET', 'v1/things', { schema: Ok }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ProviderAuthError);
    expect(JSON.stringify({ ...(denied as object), message: (denied as Error).message })).not.toContain('secret-token');
  });

  it('refuses an answer larger than it will buffer, naming the reason', async () => {
    script = ['huge'];
    const error = await client().request('POST', 'v1/things', { json: {}, schema: Ok }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toBe('acme POST /api/v1/things failed: UND_ERR_RES_EXCEEDED_MAX_SIZE');
  });
});
