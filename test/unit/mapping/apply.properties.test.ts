import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMapping, loadMappingsDir, type ApplyResult } from '../../../src/mapping/index.ts';
import { providers } from '../../../src/providers/registry.ts';
import { overplaneRecord, propexoRecord, trataRecord } from './fixtures/records.ts';

const { mappings } = await loadMappingsDir('mappings');
const samples: Record<string, Record<string, unknown>> = { trata: trataRecord, overplane: overplaneRecord, propexo: propexoRecord };

/** Values a hostile or broken source might send in any field. */
const hostile = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(''),
  fc.constant('   '),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.constantFrom('NEW', 'NOT_INTERESTED', 'Converted', '+1 415 555 0123', 'a@b.co', '2024-11-11T05:09:14.979287', '__proto__', 'constructor'),
  fc.constant('x'.repeat(200_000)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -0, 1e308),
  fc.boolean(),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

/** A record of the source's shape with any field replaced by a hostile value, or dropped, plus stray keys. */
function recordFor(source: string): fc.Arbitrary<Record<string, unknown>> {
  const base = samples[source] as Record<string, unknown>;
  const keys = [...Object.keys(base), 'leads', 'prospectProps'];
  return fc
    .record({
      replace: fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: keys.length }),
      leads: fc.option(fc.array(fc.dictionary(fc.constantFrom('lead_name', 'email', 'mobile_no', 'status', 'lead'), hostile), { maxLength: 2 })),
      stray: fc.dictionary(fc.string(), hostile, { maxKeys: 3 }),
    })
    .map(({ replace, leads, stray }) => {
      const record: Record<string, unknown> = { ...stray, ...base, ...replace };
      if (source === 'overplane' && leads !== null) record['leads'] = leads;
      return record;
    });
}

function checkResult(result: ApplyResult, target: keyof typeof providers): void {
  if (result.ok) {
    expect(providers[target].writeSchema.safeParse(result.body).success).toBe(true);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(typeof error.path).toBe('string');
      expect(error.reason.length).toBeGreaterThan(0);
      expect(error.target).toBe(target);
      expect(error.sourceId).toBe('s1');
    }
  }
}

describe('applyMapping over random and hostile records', () => {
  for (const mapping of mappings.values()) {
    it(`${mapping.name}: never throws; a valid body or errors with paths`, () => {
      fc.assert(
        fc.property(recordFor(mapping.source), fc.option(fc.dictionary(fc.string(), hostile, { maxKeys: 3 })), (record, previous) => {
          const result = applyMapping(mapping, record, { sourceId: 's1', previous: previous as Record<string, unknown> | null });
          checkResult(result, mapping.target);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('survives things that are not records at all', () => {
    const mapping = mappings.get('trata-to-powerchord')!;
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true }), (anything) => {
        checkResult(applyMapping(mapping, anything as Record<string, unknown>, { sourceId: 's1' }), 'powerchord');
      }),
      { numRuns: 300 },
    );
  });

  it('an unmappable record is an error with the target path, and the other fields still report', () => {
    const mapping = mappings.get('trata-to-powerchord')!;
    const result = applyMapping(mapping, { id: 's1', status: { nested: true }, name: ['Ada'], email: 'a@b.co' }, { sourceId: 's1' });
    expect(result).toEqual({
      ok: false,
      errors: [
        { sourceId: 's1', target: 'powerchord', path: 'Status', reason: 'status value must be text, got object', value: { nested: true } },
        { sourceId: 's1', target: 'powerchord', path: 'Content.name', reason: 'trim: expects text, got array', value: ['Ada'] },
      ],
    });
  });
});
