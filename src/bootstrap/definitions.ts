import type { FileIssue } from '../errors.ts';
import { loadMappingsDir, type Mapping } from '../mapping/index.ts';
import { loadSyncsDir, type SyncDefinition } from '../sync/definition.ts';

export interface Definitions {
  mappings: Map<string, Mapping>;
  syncs: Map<string, SyncDefinition>;
  /** Every problem in every file of `mappings/` and `jobs/`. */
  issues: FileIssue[];
}

/** Loads and cross-checks every mapping and job file. Problems are collected, so they can all be shown at once. */
export async function loadDefinitions(dirs: { mappingsDir: string; jobsDir: string }): Promise<Definitions> {
  const { mappings, issues: mappingIssues } = await loadMappingsDir(dirs.mappingsDir);
  const { syncs, issues: syncIssues } = await loadSyncsDir(dirs.jobsDir, mappings);
  return { mappings, syncs, issues: [...mappingIssues, ...syncIssues] };
}
