/**
 * Turns a parsed mapping file into a Mapping, checking it against the source and target providers' schemas.
 * Works on the raw YAML value defensively so that one broken field never hides the issues of another: every
 * issue in the file is reported at once.
 */
import type { z } from 'zod';
import { providers } from '../providers/registry.ts';
import type { ProviderDefinition, ProviderName } from '../providers/types.ts';
import { FieldSpec, StatusMap, VALUE_SOURCES } from './format.ts';
import { fieldAt, keysAt, requiredKeys, type FieldInfo, type FieldKind } from './introspect.ts';
import { FORBIDDEN_SEGMENTS, formatPath, parsePath, type PathSegment } from './paths.ts';
import { compileStatusMap } from './status-map.ts';
import { parseTemplate } from './template.ts';
import { getTransform, TRANSFORM_NAMES } from './transforms/index.ts';
import type { ValueKind } from './transforms/types.ts';
import type { CompiledField, CompiledTransform, SourceRef, ValueSource } from './types.ts';

/** An issue before the file and line are attached. `atKey` points at the key's line (unknown or misnamed keys). */
export interface RawIssue {
  path: PathSegment[];
  message: string;
  atKey?: boolean;
}

interface Sides {
  source: ProviderDefinition;
  target: ProviderDefinition;
  sourceSchema: z.ZodType;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function list(values: readonly string[], max = 12): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, …`;
}

function hasForbidden(segments: readonly PathSegment[]): boolean {
  return segments.some((s) => typeof s === 'string' && FORBIDDEN_SEGMENTS.has(s));
}

/** Compatible when either side is unknown, or the kinds match (text transforms also read numbers and booleans). */
function accepts(input: readonly ValueKind[], kind: ValueKind): boolean {
  return kind === 'any' || input.includes('any') || input.includes(kind);
}

function toValueKind(kind: FieldKind | undefined): ValueKind {
  return kind === undefined || kind === 'unknown' ? 'any' : kind;
}

function kindOfConstant(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'any';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : t === 'object' ? 'object' : 'any';
}

export class MappingCompiler {
  readonly issues: RawIssue[] = [];
  readonly sides: Sides;

  constructor(sides: Sides) {
    this.sides = sides;
  }

  private issue(path: PathSegment[], message: string, atKey = false): void {
    this.issues.push(atKey ? { path, message, atKey } : { path, message });
  }

  /** A source path: it must exist in the source provider's record schema. */
  private sourceRef(raw: unknown, at: PathSegment[]): SourceRef | null {
    if (typeof raw !== 'string') return null; // the format schema reported it
    const segments = parsePath(raw);
    if (segments === null || hasForbidden(segments)) {
      this.issue(at, `${JSON.stringify(raw)} is not a source path (write a.b or a[0].b)`);
      return null;
    }
    if (fieldAt(this.sides.sourceSchema, segments) === null) {
      const parent = segments.slice(0, -1);
      const known = keysAt(this.sides.sourceSchema, parent);
      const hint = known.length > 0 ? ` (known: ${list(known)})` : '';
      this.issue(at, `source field ${JSON.stringify(raw)} is not in ${this.sides.source.name}'s record schema${hint}`);
      return null;
    }
    return { path: raw, segments };
  }

  /** The enum values a source path can hold. Falls back to the provider's write schema, since a record schema
   * may type the field as plain text (Trata answers `status` as a string, but only accepts its enum). */
  private sourceEnum(segments: PathSegment[]): readonly string[] | null {
    const own = fieldAt(this.sides.sourceSchema, segments)?.enumValues ?? null;
    if (own !== null) return own;
    return fieldAt(this.sides.source.writeSchema, segments)?.enumValues ?? null;
  }

  private transform(raw: unknown, at: PathSegment[], targetInfo: FieldInfo | null): CompiledTransform | null {
    let name: string;
    let args: unknown;
    let bare: boolean;
    if (typeof raw === 'string') {
      name = raw;
      args = undefined;
      bare = true;
    } else if (isObject(raw) && Object.keys(raw).length === 1) {
      name = Object.keys(raw)[0] as string;
      args = raw[name];
      bare = false;
    } else {
      this.issue(at, 'a transform is a name (`trim`) or one `name: argument` pair (`truncate: 40`)');
      return null;
    }
    const definition = getTransform(name);
    if (definition === null) {
      this.issue(at, `unknown transform ${JSON.stringify(name)} (known: ${TRANSFORM_NAMES.join(', ')})`);
      return null;
    }
    let parsedArgs: unknown = undefined;
    if (definition.args === null) {
      if (!bare) {
        this.issue(at, `transform ${name} takes no argument: write it as \`${name}\``);
        return null;
      }
    } else {
      const result = definition.args.safeParse(args);
      if (!result.success) {
        const detail = result.error.issues
          .map((i) => (i.path.length > 0 ? `${formatPath(i.path as PathSegment[])}: ${i.message}` : i.message))
          .join('; ');
        this.issue(bare ? at : [...at, name], `bad argument for transform ${name}: ${detail}`);
        return null;
      }
      parsedArgs = result.data;
    }
    const problem = definition.check?.(parsedArgs, targetInfo) ?? null;
    if (problem !== null) {
      this.issue(at, problem);
      return null;
    }
    const label = bare ? name : `${name}: ${JSON.stringify(args)}`;
    return { name, args: parsedArgs, label, definition };
  }

  field(targetText: string, raw: unknown): CompiledField | null {
    const at: PathSegment[] = ['fields', targetText];
    const { target } = this.sides;
    const targetPath = parsePath(targetText);
    let targetInfo: FieldInfo | null = null;
    let targetOk = true;
    if (targetPath === null || hasForbidden(targetPath)) {
      this.issue(at, `${JSON.stringify(targetText)} is not a target path (write a.b or a[0].b)`, true);
      targetOk = false;
    } else {
      targetInfo = fieldAt(target.writeSchema, targetPath);
      if (targetInfo === null) {
        const known = keysAt(target.writeSchema, targetPath.slice(0, -1));
        const hint = known.length > 0 ? ` (known: ${list(known)})` : '';
        this.issue(at, `target field ${JSON.stringify(targetText)} is not in ${target.name}'s write schema${hint}`, true);
        targetOk = false;
      }
    }
    if (!isObject(raw)) return null; // the format schema reported it

    const present = VALUE_SOURCES.filter((key) => Object.hasOwn(raw, key));
    if (present.length !== 1) {
      this.issue(
        at,
        present.length === 0
          ? `a field needs one of ${VALUE_SOURCES.join(', ')}`
          : `a field takes exactly one of ${VALUE_SOURCES.join(', ')} (found ${present.join(' and ')})`,
      );
    }

    let source: ValueSource | null = null;
    let kind: ValueKind = 'any';
    let sourceEnum: readonly string[] | null = null;
    const key = present[0];
    if (key === 'from') {
      const ref = this.sourceRef(raw['from'], [...at, 'from']);
      if (ref) {
        source = { kind: 'from', ref };
        kind = toValueKind(fieldAt(this.sides.sourceSchema, ref.segments)?.kind);
        sourceEnum = this.sourceEnum(ref.segments);
      }
    } else if (key === 'coalesce' || key === 'collect') {
      const paths = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [];
      const refs = paths.map((p, i) => this.sourceRef(p, [...at, key, i]));
      if (refs.every((r) => r !== null) && refs.length > 0) {
        source = { kind: key, refs };
        if (key === 'collect') kind = 'array';
        else {
          const kinds = new Set(refs.map((r) => toValueKind(fieldAt(this.sides.sourceSchema, r.segments)?.kind)));
          kind = kinds.size === 1 ? ([...kinds][0] as ValueKind) : 'any';
          const enums = refs.map((r) => this.sourceEnum(r.segments));
          sourceEnum = enums.every((e) => e !== null) ? [...new Set(enums.flat() as string[])] : null;
        }
      }
    } else if (key === 'const') {
      source = { kind: 'const', value: raw['const'] };
      kind = kindOfConstant(raw['const']);
      if (typeof raw['const'] === 'string') sourceEnum = [raw['const']];
    } else if (key === 'template' && typeof raw['template'] === 'string') {
      const { parts, bad } = parseTemplate(raw['template']);
      for (const b of bad) this.issue([...at, 'template'], `template placeholder {{${b}}} is not a source path`);
      let good = bad.length === 0;
      for (const part of parts) {
        if ('path' in part && this.sourceRef(part.path, [...at, 'template']) === null) good = false;
      }
      if (good) source = { kind: 'template', template: raw['template'], parts };
      kind = 'string';
    }

    if (key === 'const' && (raw['transforms'] !== undefined || raw['statusMap'] !== undefined)) {
      this.issue([...at, raw['transforms'] !== undefined ? 'transforms' : 'statusMap'], 'a const is written as is: write the final value instead of transforming it', true);
    }

    const transforms: CompiledTransform[] = [];
    let transformsOk = true;
    if (Array.isArray(raw['transforms'])) {
      for (const [i, step] of (raw['transforms'] as unknown[]).entries()) {
        const compiled = this.transform(step, [...at, 'transforms', i], targetInfo);
        if (compiled === null) {
          transformsOk = false;
          kind = 'any';
          continue;
        }
        if (!accepts(compiled.definition.input, kind)) {
          this.issue(
            [...at, 'transforms', i],
            `transform ${compiled.name} takes ${compiled.definition.input.join(' or ')}, but receives ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}`,
          );
          transformsOk = false;
        }
        transforms.push(compiled);
        kind = compiled.definition.output;
        // A transform other than text clean-up may produce values outside the source enum.
        if (!['trim', 'uppercase', 'lowercase'].includes(compiled.name)) sourceEnum = null;
      }
    }

    let statusMap: CompiledField['statusMap'] = null;
    if (raw['statusMap'] !== undefined) {
      const parsed = StatusMap.safeParse(raw['statusMap']);
      if (parsed.success) {
        statusMap = compileStatusMap(parsed.data);
        this.checkStatusMap(parsed.data, [...at, 'statusMap'], sourceEnum, targetInfo, targetText);
        kind = 'string';
        sourceEnum = null;
      }
    }

    const hasDefault = Object.hasOwn(raw, 'default');
    const targetEnum = targetInfo?.enumValues ?? null;
    if (targetEnum !== null && statusMap === null) {
      // Values that can reach an enum target unmapped must be inside its enum.
      const outside = (sourceEnum ?? []).filter((v) => !targetEnum.includes(v));
      if (outside.length > 0) {
        this.issue(
          [...at, key ?? 'from'],
          `${list(outside)} ${outside.length === 1 ? 'is not a' : 'are not'} ${target.name} ${targetText} value${outside.length === 1 ? '' : 's'} (allowed: ${list(targetEnum)}): add a statusMap`,
        );
      }
    }
    const lastStep = transforms.at(-1);
    if (targetEnum !== null && statusMap === null && lastStep?.name === 'lookup') {
      // A lookup that ends the chain writes its table's values straight into the enum.
      const args = lastStep.args as { table: Record<string, unknown>; default?: unknown };
      const written = [...Object.values(args.table), ...(args.default === undefined ? [] : [args.default])];
      const outside = [...new Set(written.filter((v): v is string => typeof v === 'string' && !targetEnum.includes(v)))];
      if (outside.length > 0) {
        this.issue([...at, 'transforms', transforms.length - 1], `lookup writes ${list(outside)}, not ${target.name} ${targetText} value${outside.length === 1 ? '' : 's'} (allowed: ${list(targetEnum)})`);
      }
    }
    if (hasDefault && targetEnum !== null && typeof raw['default'] === 'string' && !targetEnum.includes(raw['default'])) {
      this.issue([...at, 'default'], `default ${JSON.stringify(raw['default'])} is not a ${target.name} ${targetText} value (allowed: ${list(targetEnum)})`);
    }
    if (hasDefault && raw['default'] === null) {
      this.issue([...at, 'default'], 'default: null is the same as no default: remove it, or use omitIfEmpty');
    }

    const targetKind = toValueKind(targetInfo?.kind);
    if (targetOk && source !== null && transformsOk && kind !== 'any' && targetKind !== 'any' && kind !== targetKind) {
      this.issue(at, `produces ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind} but ${target.name} ${targetText} is ${targetKind === 'array' || targetKind === 'object' ? 'an' : 'a'} ${targetKind}: add a transform (toNumber, toString, join, ...)`, true);
    }

    if (!targetOk || source === null || targetPath === null || !FieldSpec.safeParse(raw).success) return null;
    return {
      target: targetText,
      targetPath,
      targetInfo,
      source,
      transforms,
      statusMap,
      hasDefault,
      default: raw['default'],
      omitIfEmpty: raw['omitIfEmpty'] === true,
    };
  }

  private checkStatusMap(spec: StatusMap, at: PathSegment[], sourceEnum: readonly string[] | null, targetInfo: FieldInfo | null, targetText: string): void {
    const { source, target } = this.sides;
    if (spec.default !== undefined && spec.reject === true) {
      this.issue([...at, 'reject'], 'a statusMap has either a default or reject: true, not both', true);
    }
    if (sourceEnum !== null) {
      for (const key of Object.keys(spec.table)) {
        if (!sourceEnum.includes(key)) {
          this.issue([...at, 'table', key], `${JSON.stringify(key)} is not a ${source.name} value (known: ${list(sourceEnum)})`, true);
        }
      }
      const missing = sourceEnum.filter((v) => !Object.hasOwn(spec.table, v));
      if (missing.length > 0 && spec.default === undefined && spec.reject !== true) {
        this.issue(
          [...at, 'table'],
          `${source.name} value${missing.length === 1 ? '' : 's'} ${list(missing)} ${missing.length === 1 ? 'has' : 'have'} no mapping, and the statusMap has no default (add one, or reject: true)`,
          true,
        );
      }
    }
    const targetEnum = targetInfo?.enumValues ?? null;
    if (targetEnum === null) return;
    const allowed = `(allowed: ${list(targetEnum)})`;
    for (const [key, value] of Object.entries(spec.table)) {
      if (!targetEnum.includes(value)) this.issue([...at, 'table', key], `${JSON.stringify(value)} is not a ${target.name} ${targetText} value ${allowed}`);
    }
    if (spec.default !== undefined && !targetEnum.includes(spec.default)) {
      this.issue([...at, 'default'], `${JSON.stringify(spec.default)} is not a ${target.name} ${targetText} value ${allowed}`);
    }
    for (const [i, entry] of (spec.rank ?? []).entries()) {
      const values = typeof entry === 'string' ? [entry] : entry;
      for (const [j, value] of values.entries()) {
        if (!targetEnum.includes(value)) {
          this.issue(typeof entry === 'string' ? [...at, 'rank', i] : [...at, 'rank', i, j], `${JSON.stringify(value)} is not a ${target.name} ${targetText} value ${allowed}`);
        }
      }
    }
  }

  /**
   * Every required key of the target's write schema must be produced: at the root, and inside every object the
   * mapping writes into (an optional object's required keys bind once the mapping writes any part of it).
   */
  requiredFields(fields: readonly string[]): void {
    // Linear in the number of fields (a mapping may have thousands): every proper prefix of a mapped path goes in
    // one map, and each check is a lookup instead of a scan over all fields.
    const parsed = fields.map((text) => ({ text, path: parsePath(text) }));
    const wholes = new Map<string, string>(); // formatted path → the field text that maps it
    const parents = new Map<string, PathSegment[]>([['', []]]);
    const covered = new Set<string>(); // every mapped path and every prefix of one
    for (const { text, path } of parsed) {
      if (path === null) continue;
      wholes.set(formatPath(path), text);
      for (let n = 1; n <= path.length; n++) {
        const prefix = formatPath(path.slice(0, n));
        covered.add(prefix);
        if (n < path.length) parents.set(prefix, path.slice(0, n));
      }
    }
    for (const parent of parents.values()) {
      for (const key of requiredKeys(this.sides.target.writeSchema, parent)) {
        const path = [...parent, key];
        if (!covered.has(formatPath(path))) {
          this.issue(['fields'], `${this.sides.target.name} requires ${JSON.stringify(formatPath(path))}, which no field maps`, true);
        }
      }
    }
    // A field written whole and also key by key would overwrite itself.
    for (const { text, path } of parsed) {
      if (path === null) continue;
      for (let n = 1; n < path.length; n++) {
        const whole = wholes.get(formatPath(path.slice(0, n)));
        if (whole !== undefined && whole !== text) this.issue(['fields', text], `${JSON.stringify(text)} is inside ${JSON.stringify(whole)}, which is also mapped whole`, true);
      }
    }
  }
}

export function resolveSides(source: ProviderName, target: ProviderName): { sides: Sides | null; issues: RawIssue[] } {
  const sourceDef = providers[source];
  const targetDef = providers[target];
  if (sourceDef.recordSchema === null) {
    return { sides: null, issues: [{ path: ['source'], message: `${source} is write-only: it cannot be a mapping source` }] };
  }
  return { sides: { source: sourceDef, target: targetDef, sourceSchema: sourceDef.recordSchema }, issues: [] };
}
