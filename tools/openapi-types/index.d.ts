/** The document's `paths`, `operations` and `components` as TypeScript declarations (see index.js). */
export declare function openApiTypes(document: object): Promise<string>;
