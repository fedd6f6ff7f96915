import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OneLinePerRequest } from '../../../src/api/request-log.ts';
import { createLogger } from '../../../src/logger.ts';

describe('request log', () => {
  it('writes one line per answered request, with the request, the status and the response time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const app = Fastify({ loggerInstance: createLogger('info', sink) as FastifyBaseLogger, logController: new OneLinePerRequest() });
    app.post('/v1/things', async (_request, reply) => reply.code(202).send({ ok: true }));
    app.get('/boom', async () => {
      throw new Error('kaput');
    });
    await app.inject({ method: 'POST', url: '/v1/things', payload: {}, headers: { authorization: 'Bearer never-logged-0123456789' } });
    await app.inject({ method: 'GET', url: '/boom' });
    await app.close();
    // No "incoming request" line: one "request completed" per request (a 500 also has its error line).
    const requestLines = lines.filter((line) => line['reqId'] !== undefined).map((line) => `${String(line['reqId'])} ${String(line['msg'])}`);
    expect(requestLines).toEqual(['req-1 request completed', 'req-2 kaput', 'req-2 request completed']);
    const first = lines.find((line) => line['reqId'] === 'req-1');
    expect(first).toMatchObject({ level: 30, req: { method: 'POST', url: '/v1/things' }, res: { statusCode: 202 }, responseTime: expect.any(Number) });
    expect(JSON.stringify(lines)).not.toContain('never-logged');
  });
});
