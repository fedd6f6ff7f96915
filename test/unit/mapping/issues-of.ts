import { FileInvalidError, formatFileIssue } from '../../../src/errors.ts';
import { parseMapping } from '../../../src/mapping/index.ts';

/** Every issue of a mapping file as `file:line: path: message`, in line order; throws if the file is accepted. */
export function issuesOf(text: string, file = 'mappings/x.yaml'): string[] {
  try {
    parseMapping(text, file);
  } catch (error) {
    if (error instanceof FileInvalidError) return error.issues.map(formatFileIssue);
    throw error;
  }
  throw new Error('expected the mapping to be refused');
}

/** The top of a trata → powerchord mapping, up to its `fields:`. */
export const head = 'source: trata\ntarget: powerchord\nfields:\n';
