/** Regenerates mappings/mapping.schema.json: `node src/mapping/write-json-schema.ts` after changing format.ts. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILE, mappingJsonSchema } from './json-schema.ts';

const target = fileURLToPath(new URL(`../../${JSON_SCHEMA_FILE}`, import.meta.url));
await writeFile(target, mappingJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
