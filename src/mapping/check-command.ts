/** `crm-bridge check`: every mapping file (and, through extraIssues, every job file) checked at once. */
import { formatFileIssue, type FileIssue } from '../errors.ts';
import { loadMappingsDir } from './load.ts';

export interface CheckCommandOptions {
  /** The folder of mapping files, e.g. `mappings`. */
  mappingsDir: string;
  /** Issues found by other checks (the job files); printed with the mapping issues. Default: none. */
  extraIssues?: FileIssue[];
  out: (line: string) => void;
}

/** Prints every issue, one a line, and answers the exit code: 1 when any issue, 0 when clean. */
export async function runCheckCommand(options: CheckCommandOptions): Promise<number> {
  const { mappings, issues } = await loadMappingsDir(options.mappingsDir);
  const all = [...(options.extraIssues ?? []), ...issues];
  for (const issue of all) options.out(formatFileIssue(issue));
  if (all.length > 0) {
    options.out(`${all.length} issue${all.length === 1 ? '' : 's'} found`);
    return 1;
  }
  options.out(`ok: ${mappings.size} mapping${mappings.size === 1 ? '' : 's'} checked`);
  return 0;
}
