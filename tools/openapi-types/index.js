// Plain JavaScript: this folder is reached through node_modules, where Node does not strip types.
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = `/**
 * crm-bridge API types, generated from the served /openapi.json by openapi-typescript (tools/openapi-types).
 * Do not edit: \`npm run api:types\` writes this file; test/integration/api/openapi-types.int.test.ts fails when
 * it differs from what the API serves.
 */

`;

/**
 * The document's `paths`, `operations` and `components` as TypeScript declarations. Keys are sorted, so a route
 * added anywhere in the app changes only its own lines.
 * @param {object} document an OpenAPI 3.x document, as parsed JSON
 * @returns {Promise<string>}
 */
export async function openApiTypes(document) {
  const ast = await openapiTS(document, { alphabetize: true, silent: true });
  return HEADER + astToString(ast);
}
