/** Regenerates every data file's JSON Schema (`npm run schemas`) after a change to a file format's zod schema. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMAS, renderJsonSchema } from './json-schemas.ts';

for (const entry of JSON_SCHEMAS) {
  await writeFile(fileURLToPath(new URL(`../../${entry.file}`, import.meta.url)), renderJsonSchema(entry));
  process.stdout.write(`wrote ${entry.file}\n`);
}
