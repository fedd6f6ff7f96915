import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_REPLAY_TTL_S } from '../../../src/api/routes/webhooks.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { startPropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { buildPropexoWebhook, signPropexoBody } from '../../../src/simulators/propexo/webhooks.ts';
import {
  DATA_NEW_EVENTS,
  DATA_UPDATE_LEASES_SIMPLIFIED,
  DATA_UPDATE_OPENAPI,
  DATA_UPDATE_RESIDENTS,
  FIRST_SYNC_COMPLETE,
  JOB_FAILURE,
  SYNC_COMPLETE_FLAT,
  WRITE_OPERATION_FAILURE,
  WRITE_OPERATION_FAILURE_CRM,
  asProspects,
} from '../../unit/propexo/documented-examples.ts';
import { WEBHOOK_SECRET, startHarness, type Harness } from './harness.ts';

/**
 * Contract: Propexo's documented webhook examples, verbatim, signed as Propexo signs them (HMAC-SHA256 hex of the
 * raw body in `propexo-signature`), replayed against our receiver.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const syncQueue = () => h.engine.queues.queue(SYNC_QUEUE);
const propexoSyncs = () => [...h.engine.syncs.values()].filter((s) => s.enabled && s.source.provider === 'propexo').map((s) => s.name);

async function deliver(body: string, secret = WEBHOOK_SECRET, signature?: string) {
  const headers = signature === undefined ? buildPropexoWebhook(secret, body).headers : { 'content-type': 'application/json', 'propexo-signature': signature };
  return h.app.inject({ method: 'POST', url: '/v1/webhooks/propexo', headers, payload: body });
}

describe('documented DATA_NEW / DATA_UPDATE examples', () => {
  it.each([
    ['DATA_NEW of events (Webhook Details example)', DATA_NEW_EVENTS, 'DATA_NEW'],
    ['DATA_UPDATE of residents (System Overview)', DATA_UPDATE_RESIDENTS, 'DATA_UPDATE'],
    ['DATA_UPDATE of leases (how.mdx, no event field)', DATA_UPDATE_LEASES_SIMPLIFIED, 'DATA_UPDATE'],
    ['DATA_UPDATE of accounting-entities (OpenAPI)', DATA_UPDATE_OPENAPI, 'DATA_UPDATE'],
  ])('%s: acknowledged with 200 and ignored (not a prospect)', async (_name, body, event) => {
    const before = await syncQueue().count();
    const res = await deliver(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ trigger: event, job_ids: [], ignored: true });
    expect(await syncQueue().count()).toBe(before);
  });

  it.each([
    ['DATA_NEW (flat)', asProspects(DATA_NEW_EVENTS), 'DATA_NEW', 'record_id_redacted'],
    ['DATA_UPDATE (OpenAPI, wrapped)', asProspects(DATA_UPDATE_OPENAPI), 'DATA_UPDATE', 'string'],
  ])('%s of a prospect: 202 with a job_id, a run for that record per Propexo-sourced sync', async (_name, body, event, recordId) => {
    const res = await deliver(body);
    expect(res.statusCode).toBe(202);
    const answer = res.json() as { trigger: string; job_id: string; job_ids: string[] };
    expect(answer.trigger).toBe(event);
    expect(answer.job_ids).toHaveLength(propexoSyncs().length);
    expect(answer.job_id).toBe(answer.job_ids[0]);
    const jobs = await Promise.all(answer.job_ids.map((id) => syncQueue().getJob(id)));
    expect(jobs.map((j) => j?.data.sync).sort()).toEqual(propexoSyncs().sort());
    for (const job of jobs) expect(job?.data).toMatchObject({ trigger: 'webhook', sourceIds: [recordId] });
  });
});

describe('documented integration-level and write events', () => {
  it('WRITE_OPERATION_FAILURE (the example, verbatim) wakes the push job waiting on that write', async () => {
    const queue = h.engine.queues.queue('push-propexo');
    const parked = await queue.add('push', { parked: true }, { jobId: 'push-parked-doc', delay: 600_000 });
    await h.redis.set(h.engine.ctx.keys.pendingWrite('ROOT_OPERATION_ID_002'), `push-propexo|${parked.id}`);
    const res = await deliver(WRITE_OPERATION_FAILURE);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ trigger: 'WRITE_OPERATION_FAILURE', promoted: true });
    expect(await (await queue.getJob('push-parked-doc'))?.isWaiting()).toBe(true);
    // Nothing waiting on the CRM reference's example: acknowledged.
    const none = await deliver(WRITE_OPERATION_FAILURE_CRM);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toMatchObject({ promoted: false });
  });

  it.each([
    ['SYNC_COMPLETE (flat, as sync-complete.mdx lists it)', SYNC_COMPLETE_FLAT],
    ['FIRST_SYNC_COMPLETE', FIRST_SYNC_COMPLETE],
    ['JOB_FAILURE', JOB_FAILURE],
  ])('%s is acknowledged (200) and starts nothing', async (_name, body) => {
    const before = await syncQueue().count();
    const res = await deliver(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ job_ids: [], ignored: true });
    expect(await syncQueue().count()).toBe(before);
  });
});

describe('signature and replays', () => {
  it('a documented example with a bad, missing or tampered signature is 401 and starts nothing', async () => {
    const body = asProspects(DATA_NEW_EVENTS).replace('record_id_redacted', 'c401');
    const before = await syncQueue().count();
    expect((await deliver(body, 'not-the-secret')).statusCode).toBe(401);
    const unsigned = await h.app.inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: { 'content-type': 'application/json' }, payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect((await deliver(body.replace('c401', 'c402'), WEBHOOK_SECRET, signPropexoBody(WEBHOOK_SECRET, body))).statusCode).toBe(401);
    expect(await syncQueue().count()).toBe(before);
    // Hex in capitals is the same signature.
    expect((await deliver(body, WEBHOOK_SECRET, signPropexoBody(WEBHOOK_SECRET, body).toUpperCase())).statusCode).toBe(202);
  });

  it('a replayed delivery (same body, same signature) answers 200 with the first answer and starts nothing', async () => {
    const body = asProspects(DATA_NEW_EVENTS).replace('record_id_redacted', 'creplay');
    const first = await deliver(body);
    expect(first.statusCode).toBe(202);
    const jobIds = first.json().job_ids as string[];
    for (const id of jobIds) await (await syncQueue().getJob(id))?.remove();
    const before = await syncQueue().count();

    const again = await deliver(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ trigger: 'DATA_NEW', job_ids: jobIds, replayed: true });
    expect(await syncQueue().count()).toBe(before);
    for (const id of jobIds) expect(await syncQueue().getJob(id)).toBeUndefined();

    // Remembered for a day.
    const keys = await h.redis.keys(`${h.prefix}*propexo-webhook:*`);
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await h.redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(WEBHOOK_REPLAY_TTL_S - 60);
    expect(ttl).toBeLessThanOrEqual(WEBHOOK_REPLAY_TTL_S);
  });

  it('a replayed WRITE_OPERATION_FAILURE wakes nothing a second time', async () => {
    const body = WRITE_OPERATION_FAILURE.replace('ROOT_OPERATION_ID_002', 'ROOT_REPLAYED');
    const queue = h.engine.queues.queue('push-propexo');
    const parked = await queue.add('push', { parked: true }, { jobId: 'push-parked-replay', delay: 600_000 });
    await h.redis.set(h.engine.ctx.keys.pendingWrite('ROOT_REPLAYED'), `push-propexo|${parked.id}`);
    expect((await deliver(body)).json()).toMatchObject({ promoted: true });
    // A job parked on that write again: a replay of the old delivery must not wake it.
    const reparked = await queue.add('push', { parked: true }, { jobId: 'push-parked-replay-2', delay: 600_000 });
    await h.redis.set(h.engine.ctx.keys.pendingWrite('ROOT_REPLAYED'), `push-propexo|${reparked.id}`);
    const again = await deliver(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ promoted: true, replayed: true });
    expect(await (await queue.getJob('push-parked-replay-2'))?.isDelayed()).toBe(true);
  });

  it('a signed but malformed delivery is 400 naming the field, and is not remembered', async () => {
    const body = JSON.stringify({ event: 'DATA_NEW', object: 'prospects', payload: {} });
    const res = await deliver(body);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toContain('body.record_id');
    expect((await deliver(body)).statusCode).toBe(400);
  });
});

describe('the simulator’s webhook sender, end to end', () => {
  it('a create that resolves in the simulator is delivered as DATA_NEW and starts a run for the new prospect', async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const sim = await startPropexoSimulator({ writeDelayMs: 10, rateLimit: { budget: 100_000 }, webhooks: { url: `${address}/v1/webhooks/propexo`, secret: WEBHOOK_SECRET } });
    try {
      const response = await fetch(`${sim.url}/crm/v1/prospects/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ integration_id: 'integration-sim', first_name: 'Webhook' }),
      });
      const { job_id: jobId } = (await response.json()) as { job_id: string };
      let createdId: string | null = null;
      const deadline = Date.now() + 10_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        createdId = sim.store.job(jobId)?.createdRecordId ?? null;
        const jobs = await syncQueue().getJobs(['waiting', 'prioritized', 'delayed']);
        found = createdId !== null && jobs.some((j) => (j.data as { sourceIds?: string[] }).sourceIds?.[0] === createdId);
        if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(found).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
