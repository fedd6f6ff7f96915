import { describe, expect, it } from 'vitest';
import { kindOf, queuedView, runView } from '../../../src/api/job-view.ts';
import type { RunSummary } from '../../../src/sync/ledger.ts';

const run = (over: Partial<RunSummary> = {}): RunSummary => ({
  runId: 'run-1',
  sync: 's',
  trigger: 'api',
  full: false,
  status: 'PENDING',
  counts: { pulled: 0, unchanged: 0, created: 0, updated: 0, rejected: 0, failed: 0 },
  pendingBatches: 0,
  pullDone: false,
  reason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  ...over,
});

describe('runView', () => {
  it('derives progress from counts and never shows 100 % before the run ends', () => {
    const pending = runView(run({ counts: { pulled: 10, unchanged: 2, created: 5, updated: 3, rejected: 0, failed: 0 } }));
    expect(pending.progress).toEqual({ done: 10, pulled: 10, pull_done: false, percent: 99 });
    expect(pending.counts.pushed).toBe(8);
    const halfway = runView(run({ counts: { pulled: 10, unchanged: 0, created: 4, updated: 0, rejected: 1, failed: 0 } }));
    expect(halfway.progress.percent).toBe(50);
    expect(runView(run()).progress.percent).toBe(0);
    expect(runView(run({ status: 'PARTIAL_SUCCESS', finishedAt: '2026-01-01T00:01:00.000Z' })).progress.percent).toBe(100);
  });
});

describe('kindOf', () => {
  it('names the work from the job id, then the trigger', () => {
    expect(kindOf('records-1', 'api')).toBe('records');
    expect(kindOf('retry-1', 'retry')).toBe('retry');
    expect(kindOf('run-1', 'retry')).toBe('retry');
    expect(kindOf('webhook-1', 'webhook')).toBe('webhook');
    expect(kindOf('repeat:s:1', 'schedule')).toBe('scheduled');
    expect(kindOf('run-1', 'api')).toBe('sync-run');
  });
});

describe('queuedView', () => {
  it('is PENDING while queued, FAILURE when the run job failed before opening its ledger', () => {
    expect(queuedView('run-1', 's', 'api', 0, null)).toMatchObject({ status: 'PENDING', finished_at: null });
    expect(queuedView('run-1', 's', 'api', 0, 'no sync')).toMatchObject({ status: 'FAILURE', reason: 'no sync', progress: { percent: 100 } });
  });
});
