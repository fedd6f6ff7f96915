/**
 * `crm-bridge preview <mapping-file> <record.json | -> [--explain]`: what a mapping would send for one record,
 * so an operator can trust a mapping before it runs. Nothing is sent anywhere.
 */
import { readFile } from 'node:fs/promises';
import { FileInvalidError, formatFileIssue } from '../errors.ts';
import { explainMapping } from './apply.ts';
import { loadMappingFile } from './load.ts';
import type { FieldLineage } from './types.ts';

export interface PreviewIo {
  readStdin: () => Promise<string>;
  out: (s: string) => void;
  err: (s: string) => void;
}

const USAGE = 'usage: crm-bridge preview <mapping-file> <record.json | -> [--explain] [--previous <body.json>]';

function describeLineage(line: FieldLineage): string {
  const parts: string[] = [];
  if (line.sources.length > 0) parts.push(`from ${line.sources.join(', ')}`);
  if (line.template !== undefined) parts.push(`template ${JSON.stringify(line.template)}`);
  if (line.constant !== undefined) parts.push(`constant ${JSON.stringify(line.constant)}`);
  if (line.transforms.length > 0) parts.push(`via ${line.transforms.join(' → ')}`);
  if (line.statusRow !== undefined) parts.push(`status ${line.statusRow}`);
  if (line.usedDefault) parts.push('default used');
  if (line.omitted) parts.push('empty: left out');
  return `${line.target}: ${parts.join('; ')}`;
}

function asRecord(text: string, what: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Exit 0 with the body as JSON on `out`; 1 with the record errors on `err`; 2 on a usage or input problem. */
export async function runPreviewCommand(args: string[], io: PreviewIo): Promise<number> {
  let explain = false;
  let previousFile: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--explain') explain = true;
    else if (arg === '--previous') previousFile = args[++i] ?? '';
    else positional.push(arg);
  }
  const [mappingFile, recordFile, extra] = positional;
  if (mappingFile === undefined || recordFile === undefined || extra !== undefined || previousFile === '') {
    io.err(USAGE);
    return 2;
  }
  let mapping;
  try {
    mapping = await loadMappingFile(mappingFile);
  } catch (error) {
    if (!(error instanceof FileInvalidError)) throw error;
    for (const issue of error.issues) io.err(formatFileIssue(issue));
    return 2;
  }
  let record: Record<string, unknown>;
  let previous: Record<string, unknown> | null = null;
  try {
    record = asRecord(recordFile === '-' ? await io.readStdin() : await readFile(recordFile, 'utf8'), 'the record');
    if (previousFile !== undefined) previous = asRecord(await readFile(previousFile, 'utf8'), 'the previous body');
  } catch (error) {
    io.err(`cannot read the input: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const sourceId = typeof record['id'] === 'string' ? record['id'] : '(preview)';
  const { result, lineage } = explainMapping(mapping, record, { sourceId, previous });
  if (result.ok) io.out(JSON.stringify(result.body, null, 2));
  else for (const e of result.errors) io.err(`${e.path || '(body)'}: ${e.reason}${e.value === undefined ? '' : ` (value: ${JSON.stringify(e.value)})`}`);
  // On stderr, so stdout stays exactly the JSON body and can be piped.
  if (explain) {
    io.err('lineage:');
    for (const line of lineage) io.err(`  ${describeLineage(line)}`);
  }
  return result.ok ? 0 : 1;
}
