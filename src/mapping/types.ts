import type { ProviderName } from '../providers/types.ts';
import type { FieldInfo } from './introspect.ts';
import type { PathSegment } from './paths.ts';
import type { CompiledStatusMap } from './status-map.ts';
import type { TemplatePart } from './template.ts';
import type { TransformDefinition } from './transforms/types.ts';

export interface SourceRef {
  path: string;
  segments: PathSegment[];
}

/** Where a target field's value comes from: exactly one of these per field. */
export type ValueSource =
  | { kind: 'from'; ref: SourceRef }
  | { kind: 'coalesce'; refs: SourceRef[] }
  | { kind: 'collect'; refs: SourceRef[] }
  | { kind: 'const'; value: unknown }
  | { kind: 'template'; template: string; parts: TemplatePart[] };

export interface CompiledTransform {
  name: string;
  args: unknown;
  /** As the file wrote it, for `--explain`: `trim`, `truncate: 40`. */
  label: string;
  definition: TransformDefinition<unknown>;
}

export interface CompiledField {
  /** The target path as written (`Content.email`). */
  target: string;
  targetPath: PathSegment[];
  /** What the target's write schema says about this field (its max length for `truncate`). */
  targetInfo: FieldInfo | null;
  source: ValueSource;
  transforms: CompiledTransform[];
  statusMap: CompiledStatusMap | null;
  hasDefault: boolean;
  default: unknown;
  omitIfEmpty: boolean;
}

/** A loaded, checked mapping file, ready for apply(). */
export interface Mapping {
  file: string;
  /** The file name without `.yaml` (e.g. `trata-to-powerchord`). */
  name: string;
  source: ProviderName;
  target: ProviderName;
  description: string | null;
  fields: readonly CompiledField[];
}

/** One record that could not be mapped; it never fails the page. */
export interface RecordError {
  sourceId: string;
  target: ProviderName;
  /** The target field path (or the body path zod named). */
  path: string;
  reason: string;
  value?: unknown;
}

export type ApplyResult = { ok: true; body: Record<string, unknown> } | { ok: false; errors: RecordError[] };

export interface ApplyContext {
  sourceId: string;
  /** The body last sent to this target for this record; ranked status maps never move backwards from it. */
  previous?: Record<string, unknown> | null;
}

/** How one target field was produced, for `preview --explain`. */
export interface FieldLineage {
  target: string;
  sources: string[];
  constant?: unknown;
  template?: string;
  transforms: string[];
  statusRow?: string;
  usedDefault?: boolean;
  omitted?: boolean;
  value?: unknown;
}
