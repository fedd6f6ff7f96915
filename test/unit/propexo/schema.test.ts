import { describe, expect, it } from 'vitest';
import {
  PropexoCreateBody,
  PropexoProspectAnswer,
  PropexoProspectList,
  PropexoUpdateBody,
  PropexoWriteAnswer,
  PropexoWriteStatusAnswer,
  PropexoErrorBody,
  PropexoRetryWriteAnswer,
  describePropexoError,
  propexo,
} from '../../../src/providers/propexo/index.ts';
import { RETRY_WRITE_200, RETRY_WRITE_400 } from './documented-examples.ts';

describe('propexo response schemas', () => {
  it('normalises both write answers to {jobId, data}', () => {
    expect(PropexoWriteAnswer.parse({ job_id: 'j1', data: { a: 1 } })).toEqual({ jobId: 'j1', data: { a: 1 } });
    expect(PropexoWriteAnswer.parse({ meta: { job_id: 'j2' }, result: {} })).toEqual({ jobId: 'j2', data: {} });
    expect(PropexoWriteAnswer.safeParse({ data: {} }).success).toBe(false);
  });

  it('reads write-status, tolerating absent errors / created_record_id', () => {
    expect(PropexoWriteStatusAnswer.parse({ write_status: 'PARTIAL_SUCCESS', errors: ['x'], created_record_id: 'c1' })).toMatchObject({
      write_status: 'PARTIAL_SUCCESS',
      errors: ['x'],
      created_record_id: 'c1',
    });
    expect(PropexoWriteStatusAnswer.parse({ write_status: 'PENDING' })).toMatchObject({ errors: [], created_record_id: null });
    expect(PropexoWriteStatusAnswer.safeParse({ write_status: 'DONE' }).success).toBe(false);
  });

  it('reads a list under `results` or `data`, with orderBy as a string or Propexo’s array', () => {
    const record = { id: 'c1', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z', extra: true };
    const meta = { offset: 0, limit: 100, hasMore: false, total: 1 };
    expect(PropexoProspectList.parse({ meta: { ...meta, orderBy: 'updated_at:desc' }, results: [record] }).records).toEqual([record]);
    expect(PropexoProspectList.parse({ meta: { ...meta, orderBy: [{ field: 'updated_at', direction: 'desc' }] }, data: [record] }).records).toHaveLength(1);
    expect(PropexoProspectList.safeParse({ meta }).success).toBe(false);
    expect(PropexoProspectAnswer.parse({ result: record })).toEqual(record);
    expect(PropexoProspectAnswer.parse({ data: record })).toEqual(record);
  });

  it('describes Propexo error bodies with field paths', () => {
    const body = { error: { code: 'invalid_request', message: 'Invalid request body', details: { issues: [{ path: ['pets', 1], message: 'bad pet' }] } } };
    expect(describePropexoError(body)).toEqual({ message: 'Invalid request body: pets.1: bad pet', fields: ['pets.1'] });
    const flat = { error: { code: 'invalid_request', message: 'Bad', details: { fieldErrors: { city: ['too long'] } } } };
    expect(describePropexoError(flat)?.fields).toEqual(['city']);
    expect(describePropexoError({ error: { code: 'unauthorized', message: 'no' } })).toEqual({ message: 'no', fields: [] });
    expect(describePropexoError('oops')).toBeNull();
  });

  it('reads the documented error example: zod issues under details.details, unrecognized keys as fields', () => {
    expect(PropexoErrorBody.parse(RETRY_WRITE_400)).toBeTruthy();
    expect(describePropexoError(RETRY_WRITE_400)).toEqual({ message: "invalid request: foo: Unrecognized key(s) in object: 'foo'", fields: ['foo'] });
    const nested = { error: { code: 'invalid_request', message: 'invalid request', details: { details: { issues: [{ code: 'too_big', path: ['zip'], message: 'too long' }], name: 'ZodError' } } } };
    expect(describePropexoError(nested)?.fields).toEqual(['zip']);
  });

  it('reads the documented retry-write answer and a list whose hasMore is null', () => {
    expect(PropexoRetryWriteAnswer.parse(RETRY_WRITE_200)).toEqual(RETRY_WRITE_200);
    const list = PropexoProspectList.parse({ meta: { offset: 0, limit: 100, orderBy: [{}], hasMore: null, total: 0 }, results: [] });
    expect(list.meta.hasMore).toBeNull();
  });
});

describe('propexo request schemas', () => {
  it('accepts a date-time or a plain date for move_in_date', () => {
    for (const move_in_date of ['2026-03-01', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00+02:00', '2026-03-01T10:00:00']) {
      expect(PropexoUpdateBody.safeParse({ lease_id: 'l', move_in_date }).success).toBe(true);
    }
    expect(PropexoUpdateBody.safeParse({ lease_id: 'l', move_in_date: '03/01/2026' }).success).toBe(false);
  });

  it('bounds the lease term 1–18 on create, >= 1 on update', () => {
    expect(PropexoCreateBody.safeParse({ integration_id: 'i', lease_term_in_months: 18 }).success).toBe(true);
    expect(PropexoCreateBody.safeParse({ integration_id: 'i', lease_term_in_months: 19 }).success).toBe(false);
    expect(PropexoUpdateBody.safeParse({ lease_id: 'l', lease_term_in_months: 36 }).success).toBe(true);
  });

  it('the definition offers one write shape and the listed record shape', () => {
    expect(Object.keys(propexo.writeSchema.shape)).toEqual(expect.arrayContaining(['integration_id', 'lease_id', 'middle_name', 'notes']));
    expect(propexo.writeSchema.safeParse({ first_name: 'x' }).success).toBe(true);
    expect(propexo.writeSchema.safeParse({ unknown_field: 'x' }).success).toBe(false);
    expect(Object.keys(propexo.recordSchema!.shape)).toEqual(expect.arrayContaining(['id', 'created_at', 'updated_at', 'email_1']));
    expect(propexo.capabilities).toMatchObject({ asyncWrites: true, incremental: true, delete: false, searchBy: [] });
  });
});
