import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/sync/canonical-json.ts';

describe('canonicalJson', () => {
  it('serialises the same body the same way whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [1, { y: null, z: true }] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } }));
  });

  it('drops undefined properties and writes undefined array items as null, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 2] })).toBe('{"b":[null,2]}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('é "quoted"')).toBe(JSON.stringify('é "quoted"'));
  });

  it('is valid JSON that reads back to the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
