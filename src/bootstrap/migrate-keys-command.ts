/** `crm-bridge migrate-keys [--dry-run] [--delete-old]`: the upgrade from the single-tag key layout (migrate-keys.ts). */
import type { Env } from '../config/env.ts';
import { FileInvalidError } from '../errors.ts';
import { dataConnection, detectCluster } from '../redis/connection.ts';
import { loadDefinitions } from './definitions.ts';
import { migrateKeys } from './migrate-keys.ts';

export async function runMigrateKeysCommand(args: readonly string[], env: Env, out: (line: string) => void): Promise<number> {
  if (!env.REDIS_URL) {
    out('migrate-keys needs REDIS_URL: the Redis the earlier release ran on (the sandbox keeps no state between starts)');
    return 2;
  }
  const definitions = await loadDefinitions({ mappingsDir: env.MAPPINGS_DIR, jobsDir: env.JOBS_DIR, connectionsDir: env.CONNECTIONS_DIR });
  // The sent state is recomputed under today's mappings: they must load.
  if (definitions.issues.length > 0) throw new FileInvalidError(definitions.issues);
  const apply = !args.includes('--dry-run');
  const redis = dataConnection(env.REDIS_URL, {}, undefined, await detectCluster(env.REDIS_URL));
  try {
    const report = await migrateKeys(redis, { prefix: env.QUEUE_PREFIX, definitions, apply, deleteOld: apply && args.includes('--delete-old') });
    if (report.busyQueues.length > 0) {
      out(`refused: the earlier release's queues still hold jobs: ${report.busyQueues.join(', ')}`);
      out('let its workers finish them (or remove those jobs), stop them, and run migrate-keys again; nothing was written');
      return 1;
    }
    const c = report.carried;
    out(`${apply ? 'carried' : 'would carry'} (from ${report.oldKeys} old keys): ${c.crosswalk} links, ${c.sent} sent states, ${c.echo} echo states, ${c.intent} create intents, ${c.failed} records to retry, ${c.cursor} cursors`);
    for (const { key, reason } of report.skipped) out(`skipped ${key}: ${reason}`);
    if (report.deletedOldKeys > 0) out(`deleted ${report.deletedOldKeys} old keys`);
    return 0;
  } finally {
    redis.disconnect();
  }
}
