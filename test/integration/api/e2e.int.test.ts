import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startHarness, type Harness } from './harness.ts';
import { TRATA_TO_POWERCHORD_STATUS } from '../../helpers/status-table.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workers: true, seed: 16 });
});
afterAll(() => h?.close());


async function pollUntilDone(jobId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: auth() });
    expect(res.statusCode).toBe(200);
    const job = res.json();
    if (job.status !== 'PENDING') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still PENDING: ${res.body}`);
    await sleep(100);
  }
}

describe('end to end: POST a run, poll the job, find the records at the target', () => {
  it('syncs every Trata prospect to PowerChord with its mapped status', async () => {
    const start = await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth(), payload: { full: true } });
    expect(start.statusCode).toBe(202);
    const { job_id: jobId } = start.json();

    const job = await pollUntilDone(jobId);
    expect(job).toMatchObject({ job_id: jobId, kind: 'sync-run', status: 'SUCCESS', progress: { percent: 100, pull_done: true } });
    expect(job.counts).toMatchObject({ pulled: 16, created: 16, pushed: 16, failed: 0, rejected: 0 });
    expect(job.finished_at).not.toBeNull();

    const prospects = h.trata.store.all();
    expect(h.powerchord.store.size).toBe(prospects.length);
    for (const prospect of prospects) {
      const [lead] = h.powerchord.store.byExternalId(prospect.id);
      expect(lead?.Status).toBe(TRATA_TO_POWERCHORD_STATUS[prospect.status]);
    }

    const runs = await h.app.inject({ method: 'GET', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth() });
    expect(runs.json().items.map((r: { job_id: string }) => r.job_id)).toContain(jobId);
  });

  it('pushes inline records through POST /v1/records', async () => {
    const record = { id: 'pro.1.INLINE01', data: { id: 'pro.1.INLINE01', orgId: 'org', status: 'NOT_INTERESTED', name: 'Inline Person', email: 'inline@example.com', phoneNumber: null, externalReference: [], prospectProps: {}, createdBy: 'x', createdAt: '2026-01-01T00:00:00.000000', updatedBy: 'x', updatedAt: '2026-01-01T00:00:00.000000' } };
    const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: 'trata-to-powerchord', records: [record] } });
    expect(res.statusCode).toBe(202);
    expect(res.json().job_id).toMatch(/^records-/);
    const job = await pollUntilDone(res.json().job_id);
    expect(job.kind).toBe('records');
    expect(job.status, JSON.stringify(job)).toBe('SUCCESS');
    expect(h.powerchord.store.byExternalId('pro.1.INLINE01')[0]?.Status).toBe('closedNotInterested');
  });
});
