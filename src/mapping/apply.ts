/**
 * The pure apply(): one source record → one target body, validated by the target's own write schema. Never
 * throws: whatever the record holds, the answer is a body or record-level errors with paths.
 */
import { providers } from '../providers/registry.ts';
import { formatPath, getPath, setPath, type PathSegment } from './paths.ts';
import { applyStatusMap } from './status-map.ts';
import { asText, typeName } from './transforms/types.ts';
import type { ApplyContext, ApplyResult, CompiledField, FieldLineage, Mapping, RecordError } from './types.ts';

/** Missing, null, blank text and empty lists are "empty": defaults and the omit rule apply to them. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim().length === 0;
  return Array.isArray(value) && value.length === 0;
}

/** Keeps error values small: a record error is stored in the run ledger and printed. */
function preview(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 200)}…` : value;
  } catch {
    return `[${typeName(value)}]`;
  }
}

type FieldOutcome = { ok: true; value: unknown; omit: boolean } | { ok: false; reason: string; value: unknown };

function render(field: CompiledField & { source: { kind: 'template' } }, record: unknown): { ok: true; value: string | null } | { ok: false; reason: string; value: unknown } {
  let out = '';
  let filled = false;
  for (const part of field.source.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = getPath(record, part.segments);
    if (isEmpty(value)) continue;
    const text = asText(value);
    if (text === null) return { ok: false, reason: `template placeholder {{${part.path}}} holds ${typeName(value)}, not text`, value };
    out += text;
    filled = true;
  }
  // An empty placeholder leaves doubled or trailing spaces ("Ada " for "{{first}} {{last}}"): tidy them.
  const tidy = out.replace(/ {2,}/g, ' ').trim();
  return { ok: true, value: filled && tidy.length > 0 ? tidy : null };
}

function read(field: CompiledField, record: unknown, lineage: FieldLineage | null): { ok: true; value: unknown } | { ok: false; reason: string; value: unknown } {
  const source = field.source;
  switch (source.kind) {
    case 'from':
      if (lineage) lineage.sources.push(source.ref.path);
      return { ok: true, value: getPath(record, source.ref.segments) };
    case 'coalesce':
      for (const ref of source.refs) {
        const value = getPath(record, ref.segments);
        if (!isEmpty(value)) {
          if (lineage) lineage.sources.push(ref.path);
          return { ok: true, value };
        }
      }
      if (lineage) lineage.sources.push(...source.refs.map((r) => r.path));
      return { ok: true, value: null };
    case 'collect': {
      if (lineage) lineage.sources.push(...source.refs.map((r) => r.path));
      const values = source.refs.map((r) => getPath(record, r.segments)).filter((v) => !isEmpty(v));
      return { ok: true, value: values };
    }
    case 'const':
      if (lineage) lineage.constant = source.value;
      return { ok: true, value: source.value };
    case 'template':
      if (lineage) {
        lineage.template = source.template;
        lineage.sources.push(...source.parts.flatMap((p) => ('path' in p ? [p.path] : [])));
      }
      return render(field as CompiledField & { source: { kind: 'template' } }, record);
  }
}

function produce(field: CompiledField, record: unknown, previous: unknown, lineage: FieldLineage | null): FieldOutcome {
  const read_ = read(field, record, lineage);
  if (!read_.ok) return read_;
  let value = read_.value;
  if (field.source.kind !== 'const') {
    for (const step of field.transforms) {
      if (isEmpty(value)) break;
      if (lineage) lineage.transforms.push(step.label);
      const before = value;
      const result = step.definition.apply(value, step.args, field.targetInfo);
      if (!result.ok) return { ok: false, reason: `${step.name}: ${result.reason}`, value: before };
      value = result.value;
    }
    if (field.statusMap !== null && !isEmpty(value)) {
      const outcome = applyStatusMap(field.statusMap, value, previous);
      if (!outcome.ok) return { ok: false, reason: outcome.reason, value };
      if (lineage) lineage.statusRow = outcome.row;
      value = outcome.value;
    }
  }
  if (isEmpty(value) && field.hasDefault) {
    value = field.default;
    if (lineage) lineage.usedDefault = true;
  }
  if (isEmpty(value)) {
    // Null only where the target takes null (it clears the field there); elsewhere the key is left out.
    const omit = field.omitIfEmpty || field.targetInfo?.nullable !== true;
    return { ok: true, value: null, omit };
  }
  return { ok: true, value, omit: false };
}

function run(mapping: Mapping, record: Record<string, unknown>, context: ApplyContext, lineage: FieldLineage[] | null): ApplyResult {
  const errors: RecordError[] = [];
  const body: Record<string, unknown> = {};
  const fail = (path: string, reason: string, value?: unknown): void => {
    errors.push(value === undefined ? { sourceId: context.sourceId, target: mapping.target, path, reason } : { sourceId: context.sourceId, target: mapping.target, path, reason, value: preview(value) });
  };
  for (const field of mapping.fields) {
    const line: FieldLineage | null = lineage ? { target: field.target, sources: [], transforms: [] } : null;
    const previous = context.previous ? getPath(context.previous, field.targetPath) : undefined;
    let outcome: FieldOutcome;
    try {
      outcome = produce(field, record, previous, line);
    } catch (error) {
      outcome = { ok: false, reason: `internal error in the mapping engine: ${error instanceof Error ? error.message : String(error)}`, value: undefined };
    }
    if (!outcome.ok) fail(field.target, outcome.reason, outcome.value);
    else if (outcome.omit) {
      if (line) line.omitted = true;
    } else {
      setPath(body, field.targetPath, outcome.value);
      if (line) line.value = outcome.value;
    }
    if (line && lineage) lineage.push(line);
  }
  if (errors.length > 0) return { ok: false, errors };
  const checked = providers[mapping.target].writeSchema.safeParse(body);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      fail(formatPath(path), issue.message, getPath(body, path));
    }
    return { ok: false, errors };
  }
  return { ok: true, body };
}

/**
 * Maps one source record to the target's write body. The body is the mapping's output, checked (not
 * transformed) by the target's write schema, so what is fingerprinted and sent is exactly what the mapping says.
 */
export function applyMapping(mapping: Mapping, record: Record<string, unknown>, context: ApplyContext): ApplyResult {
  try {
    return run(mapping, record, context, null);
  } catch (error) {
    return { ok: false, errors: [{ sourceId: context.sourceId, target: mapping.target, path: '', reason: `internal error in the mapping engine: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

/** apply() plus, for each target field, where its value came from (`preview --explain`). */
export function explainMapping(mapping: Mapping, record: Record<string, unknown>, context: ApplyContext): { result: ApplyResult; lineage: FieldLineage[] } {
  const lineage: FieldLineage[] = [];
  try {
    return { result: run(mapping, record, context, lineage), lineage };
  } catch (error) {
    const reason = `internal error in the mapping engine: ${error instanceof Error ? error.message : String(error)}`;
    return { result: { ok: false, errors: [{ sourceId: context.sourceId, target: mapping.target, path: '', reason }] }, lineage };
  }
}
