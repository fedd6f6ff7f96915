/**
 * The JSON Schemas editors use for the data files (`# yaml-language-server: $schema=...`), generated from the zod
 * schemas that validate those files at load. Never hand-edited: `npm run schemas` rewrites them, and a unit test
 * fails while a committed one is stale.
 */
import { z } from 'zod';
import { ConnectionFile } from '../config/connection-file.ts';
import { MappingFile } from '../mapping/format.ts';
import { SyncFile } from '../sync/definition.ts';

export const JSON_SCHEMAS = [
  { file: 'mappings/mapping.schema.json', title: 'crm-bridge mapping', schema: MappingFile },
  { file: 'jobs/job.schema.json', title: 'crm-bridge sync', schema: SyncFile },
  { file: 'connections/connection.schema.json', title: 'crm-bridge connection', schema: ConnectionFile },
] as const;

export function renderJsonSchema(entry: (typeof JSON_SCHEMAS)[number]): string {
  const schema = z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: entry.title }, null, 2)}\n`;
}
