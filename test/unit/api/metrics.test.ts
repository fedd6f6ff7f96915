import { describe, expect, it } from 'vitest';
import { countProviderCall, countRateLimitWait, countRecords, observeRun, registry, setMetricQueues } from '../../../src/metrics.ts';

describe('metrics', () => {
  it('counts provider calls, records, rate-limit waits and run durations', async () => {
    countProviderCall('trata', 200);
    countProviderCall('trata', 429);
    countRecords('powerchord', 'created', 3);
    countRecords('powerchord', 'failed');
    countRateLimitWait('propexo', 1500);
    countProviderCall('powerchord', 201, 'acme-eu');
    countRecords('powerchord', 'updated', 2, 'acme-eu');
    observeRun({ sync: 's', status: 'SUCCESS', createdAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:02Z' });
    observeRun({ sync: 's', status: 'PENDING', createdAt: '2026-01-01T00:00:00Z', finishedAt: null });
    const text = await registry.metrics();
    // Without a connection named, the provider's own (the environment's connection).
    expect(text).toContain('crm_bridge_provider_http_requests_total{provider="trata",connection="trata",status="429"} 1');
    expect(text).toContain('crm_bridge_records_pushed_total{provider="powerchord",connection="powerchord",op="created"} 3');
    expect(text).toContain('crm_bridge_records_failed_total{provider="powerchord",connection="powerchord",kind="failed"} 1');
    expect(text).toContain('crm_bridge_rate_limit_waits_total{provider="propexo",connection="propexo"} 1');
    expect(text).toContain('crm_bridge_rate_limit_wait_seconds_total{provider="propexo",connection="propexo"} 1.5');
    expect(text).toContain('crm_bridge_provider_http_requests_total{provider="powerchord",connection="acme-eu",status="201"} 1');
    expect(text).toContain('crm_bridge_records_pushed_total{provider="powerchord",connection="acme-eu",op="updated"} 2');
    expect(text).toContain('crm_bridge_run_duration_seconds_count{sync="s",status="SUCCESS"} 1');
  });

  it('reads queue gauges at scrape time and skips a queue whose read fails', async () => {
    setMetricQueues([
      { name: 'sync', getJobCounts: async () => ({ waiting: 4, active: 1 }) },
      { name: 'broken', getJobCounts: async () => Promise.reject(new Error('down')) },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('crm_bridge_queue_jobs{queue="sync",state="waiting"} 4');
    expect(text).toContain('crm_bridge_queue_jobs{queue="sync",state="failed"} 0');
    expect(text).not.toContain('queue="broken"');
    setMetricQueues([]);
  });
});
