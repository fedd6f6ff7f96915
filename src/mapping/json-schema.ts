/** The JSON Schema editors use for mapping files, generated from the format's zod schema (never hand-edited). */
import { z } from 'zod';
import { MappingFile } from './format.ts';

export const JSON_SCHEMA_FILE = 'mappings/mapping.schema.json';

export function mappingJsonSchema(): string {
  const schema = z.toJSONSchema(MappingFile, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'crm-bridge mapping' }, null, 2)}\n`;
}
