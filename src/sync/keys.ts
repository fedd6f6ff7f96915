/**
 * Every Redis key crm-bridge keeps besides BullMQ's own, in one place. They share the queue prefix (with its hash
 * tag), so on a Redis Cluster a MULTI or a script touching several of them stays in one slot.
 */
export function syncKeys(prefix: string) {
  const k = (...parts: string[]) => [prefix, 'cb', ...parts].join(':');
  return {
    run: (runId: string) => k('run', runId),
    runErrors: (runId: string) => k('run', runId, 'errors'),
    runPages: (runId: string) => k('run', runId, 'pages'),
    runBatches: (runId: string) => k('run', runId, 'batches'),
    /** `target:sourceId` of the records this run counted as failed (each once). */
    runFailed: (runId: string) => k('run', runId, 'failed'),
    syncRuns: (sync: string) => k('sync', sync, 'runs'),
    syncErrors: (sync: string) => k('sync', sync, 'errors'),
    cursor: (sync: string) => k('sync', sync, 'cursor'),
    activeRun: (sync: string) => k('sync', sync, 'active'),
    /** sourceId → JSON of the record's last error, for retries. */
    failed: (sync: string) => k('sync', sync, 'failed'),
    /** sourceId → canonical JSON of the body last sent to this target (the diff, and "previous" for ranks). */
    sent: (sync: string, target: string) => k('sent', sync, target),
    /** sourceId → target id. Shared by every sync between the same two connections. */
    crosswalk: (sourceConnection: string, targetConnection: string) => k('xw', sourceConnection, targetConnection),
    /** sourceId → run id: a create was started and its outcome is not known yet. */
    intent: (sourceConnection: string, targetConnection: string) => k('intent', sourceConnection, targetConnection),
    /**
     * record id in `written` → canonical JSON of the body a sync from `from` last wrote into it. A sync from
     * `written` back to `from` recognises that record, unchanged, as its own echo; syncs to elsewhere do not.
     */
    echo: (written: string, from: string) => k('echo', written, from),
    idempotency: (key: string) => k('idem', key),
    /** A connection's request budget in the current window (shared by every process). */
    requestBudget: (connection: string) => k('budget', connection),
    /** A provider's async write job id → `queue|pushJobId` of the parked push job confirming it. */
    pendingWrite: (writeJobId: string) => k('pw', writeJobId),
  };
}
export type SyncKeys = ReturnType<typeof syncKeys>;
