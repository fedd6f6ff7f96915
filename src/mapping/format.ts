/**
 * The zod schema of a mapping file: the single source of the format, of its TypeScript types and of
 * `mappings/mapping.schema.json` (editors complete and check against it). Cross-checks against provider schemas
 * (field names, enums, required fields) live in check.ts, where the providers are known.
 */
import { z } from 'zod';
import { PROVIDER_NAMES } from '../providers/types.ts';
import { TRANSFORMS } from './transforms/index.ts';
import type { TransformDefinition } from './transforms/types.ts';

function acceptsBare(definition: TransformDefinition<unknown>): boolean {
  return definition.args === null || definition.args.safeParse(undefined).success;
}

const definitions = Object.values(TRANSFORMS) as TransformDefinition<unknown>[];
const bareNames = definitions.filter(acceptsBare).map((d) => d.name);

/**
 * One step of a chain: a bare name (`trim`), or a one-key object naming the transform and its argument
 * (`truncate: 40`, `phone: { defaultCountry: GB }`).
 */
export const TransformStep = z
  .union([
    z.enum(bareNames as [string, ...string[]]),
    ...definitions
      .filter((d) => d.args !== null)
      .map((d) => z.strictObject({ [d.name]: d.args as z.ZodType }).describe(d.summary)),
  ])
  .describe('A transform: a bare name, or `name: argument`.');
export type TransformStep = z.infer<typeof TransformStep>;

export const StatusMap = z
  .strictObject({
    table: z.record(z.string(), z.string()).describe('Source value → target value.'),
    default: z.string().optional().describe('Target value for a source value not in the table.'),
    reject: z.literal(true).optional().describe('Fail the record on a source value not in the table.'),
    rank: z
      .array(z.union([z.string(), z.array(z.string()).min(1)]))
      .optional()
      .describe(
        'Target values from earliest to latest (a list groups equal ranks). A sync never moves the target to an earlier rank than the value it last sent.',
      ),
  })
  .describe('An enum (status) table.');
export type StatusMap = z.infer<typeof StatusMap>;

const SourcePath = z.string().min(1).describe('A path in the source record: dots and [index], e.g. `externalReference[0].id`.');

export const FieldSpec = z
  .strictObject({
    from: SourcePath.optional().describe('The source path to read.'),
    coalesce: z.array(SourcePath).min(1).optional().describe('Source paths, tried in order: the first non-empty one is used.'),
    collect: z.array(SourcePath).min(1).optional().describe('Source paths gathered into a list of the non-empty ones (then `join`).'),
    const: z.unknown().optional().describe('A constant written as is.'),
    template: z.string().optional().describe('Text with `{{source.path}}` placeholders, e.g. "{{first_name}} {{last_name}}".'),
    transforms: z.array(TransformStep).optional().describe('Applied in order to the value read.'),
    statusMap: StatusMap.optional(),
    default: z.unknown().optional().describe('Written when the value is empty (missing, null, "" or []) after the transforms.'),
    omitIfEmpty: z.boolean().optional().describe('Leave the target field out of the body when the value is empty (instead of null).'),
    description: z.string().optional().describe('A note for readers; ignored by the engine.'),
  })
  .describe('How one target field is produced. Exactly one of from, coalesce, collect, const, template.');
export type FieldSpec = z.infer<typeof FieldSpec>;

export const MappingFile = z
  .strictObject({
    source: z.enum(PROVIDER_NAMES).describe('The provider records are read from.'),
    target: z.enum(PROVIDER_NAMES).describe('The provider the body is written to.'),
    description: z.string().optional(),
    fields: z.record(z.string(), FieldSpec).describe('Target field path (e.g. `Content.email`) → how it is produced.'),
  })
  .describe('A crm-bridge mapping: one source provider to one target provider.');
export type MappingFile = z.infer<typeof MappingFile>;

/** The keys of a field that say where its value comes from; a field has exactly one. */
export const VALUE_SOURCES = ['from', 'coalesce', 'collect', 'const', 'template'] as const;
