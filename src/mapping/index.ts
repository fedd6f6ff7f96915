/** The mapping engine as the rest of crm-bridge sees it. */
export { applyMapping, explainMapping, isEmpty } from './apply.ts';
export { loadMappingFile, loadMappingsDir, mappingName, parseMapping } from './load.ts';
export { MappingFile } from './format.ts';
export { TRANSFORM_NAMES } from './transforms/index.ts';
export type { ApplyContext, ApplyResult, CompiledField, FieldLineage, Mapping, RecordError } from './types.ts';
export { runPreviewCommand, type PreviewIo } from './preview-command.ts';
