/** `crm-bridge check`: every job, mapping and connection file checked at once, every issue printed. */
import { formatFileIssue } from '../errors.ts';
import { loadDefinitions } from './definitions.ts';

export interface CheckCommandOptions {
  mappingsDir: string;
  jobsDir: string;
  /** @default no connection files */
  connectionsDir?: string | undefined;
  out: (line: string) => void;
}

/** Prints every issue, one a line, and answers the exit code: 1 when any issue, 0 when clean. */
export async function runCheckCommand(options: CheckCommandOptions): Promise<number> {
  const { mappings, syncs, connections, issues } = await loadDefinitions(options);
  for (const issue of issues) options.out(formatFileIssue(issue));
  if (issues.length > 0) {
    options.out(`${issues.length} issue${issues.length === 1 ? '' : 's'} found`);
    return 1;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const files = connections.size === 0 ? [plural(mappings.size, 'mapping')] : [plural(mappings.size, 'mapping'), plural(syncs.size, 'job')];
  const last = connections.size === 0 ? plural(syncs.size, 'job') : plural(connections.size, 'connection');
  options.out(`ok: ${files.join(', ')} and ${last} checked`);
  return 0;
}
