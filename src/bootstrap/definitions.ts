import { loadConnectionsDir } from '../config/connection-files.ts';
import type { ConnectionDefinition } from '../config/connection-file.ts';
import type { FileIssue } from '../errors.ts';
import { loadMappingsDir, type Mapping } from '../mapping/index.ts';
import { loadSyncsDir, type SyncDefinition } from '../sync/definition.ts';

export interface Definitions {
  mappings: Map<string, Mapping>;
  syncs: Map<string, SyncDefinition>;
  /** The named connections of `connections/` (secrets still references: read at start). */
  connections: Map<string, ConnectionDefinition>;
  /** Every problem in every file of `mappings/`, `jobs/` and `connections/`. */
  issues: FileIssue[];
}

/** Loads and cross-checks every mapping, job and connection file. Problems are collected, so they can all be shown at once. */
export async function loadDefinitions(dirs: { mappingsDir: string; jobsDir: string; connectionsDir?: string | undefined }): Promise<Definitions> {
  const { mappings, issues: mappingIssues } = await loadMappingsDir(dirs.mappingsDir);
  const { connections, issues: connectionIssues } = dirs.connectionsDir === undefined ? { connections: new Map<string, ConnectionDefinition>(), issues: [] } : await loadConnectionsDir(dirs.connectionsDir);
  // Without a connections folder, job files' connection names are checked when the process starts, as before.
  const { syncs, issues: syncIssues } = await loadSyncsDir(dirs.jobsDir, mappings, dirs.connectionsDir === undefined ? undefined : connections).catch(
    (error: unknown) => {
      // loadSyncsDir lets a folder or entry it cannot read (missing folder, a folder named x.yaml) throw: an issue, not a stack trace.
      if (!(error instanceof Error && 'code' in error && typeof error.code === 'string')) throw error;
      const issue: FileIssue = { file: dirs.jobsDir, line: null, path: '', message: `cannot read the jobs folder (${error.code})` };
      return { syncs: new Map<string, SyncDefinition>(), issues: [issue] };
    },
  );
  return { mappings, syncs, connections, issues: [...mappingIssues, ...connectionIssues, ...syncIssues] };
}
