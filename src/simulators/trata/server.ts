import type { FastifyInstance } from 'fastify';
import { startSimulator, type RunningSimulator, type SimulatorSpec } from '../server.ts';
import { parseMicros, TrataStore, type TrataStoredProspect } from './store.ts';
import { fastApiDetail, ListQuery, ProspectBody } from './validate.ts';

function toWire(record: TrataStoredProspect) {
  const { updatedMicros: _u, createdMicros: _c, ...wire } = record;
  return wire;
}

/**
 * Whether `updated_after` keeps records updated at exactly that instant. Trata does not document it, so the
 * simulator can play either and the connector is tested against both.
 */
export type UpdatedAfterMode = 'inclusive' | 'exclusive';

/** What a test may switch while the simulator runs. */
export interface TrataBehaviour {
  /** @default 'inclusive' */
  updatedAfter: UpdatedAfterMode;
}

export interface TrataSimulatorOptions {
  token?: string;
  seed?: number;
  port?: number;
  /** @default 'inclusive' */
  updatedAfter?: UpdatedAfterMode;
}

export function trataSpec(store: TrataStore, options: TrataSimulatorOptions = {}, behaviour: TrataBehaviour = { updatedAfter: options.updatedAfter ?? 'inclusive' }): SimulatorSpec {
  return {
    name: 'trata',
    token: options.token ?? 'trata-sim-token',
    seed: options.seed ?? 1,
    errorBody: (_status, message) => ({ detail: message }),
    routes(app: FastifyInstance) {
      app.get('/status', async () => ({ status: 'ok' }));

      app.post('/v1/prospects', async (request, reply) => {
        const parsed = ProspectBody.safeParse(request.body);
        if (!parsed.success) return reply.code(422).send({ detail: fastApiDetail('body', parsed.error, request.body) });
        return reply.code(200).send(toWire(store.create(clean(parsed.data))));
      });

      app.get('/v1/prospects', async (request, reply) => {
        const parsed = ListQuery.safeParse(request.query);
        if (!parsed.success) return reply.code(422).send({ detail: fastApiDetail('query', parsed.error, request.query) });
        const q = parsed.data;
        const after = q.updated_after === undefined ? null : parseMicros(q.updated_after);
        const before = q.updated_before === undefined ? null : parseMicros(q.updated_before);
        if (Number.isNaN(after) || Number.isNaN(before)) {
          const field = Number.isNaN(after) ? 'updated_after' : 'updated_before';
          return reply.code(422).send({ detail: [{ loc: ['query', field], msg: 'Input should be a valid datetime', type: 'datetime_parsing' }] });
        }
        const needle = q.search_value?.toLowerCase();
        const matches = (r: TrataStoredProspect) =>
          (q.status === undefined || r.status === q.status) &&
          // Not documented either way: the simulator plays the mode it was given. updated_before is exclusive (<).
          (after === null || (behaviour.updatedAfter === 'inclusive' ? r.updatedMicros >= after : r.updatedMicros > after)) &&
          (before === null || r.updatedMicros < before) &&
          (q.search_by === undefined || needle === undefined || (r[q.search_by] ?? '').toLowerCase().includes(needle));
        const skip = q.skip ?? 0;
        const limit = q.limit ?? 100;
        const page: ReturnType<typeof toWire>[] = [];
        let seen = 0;
        for (const record of store.sortedBy(q.sort_by ?? 'createdAt', q.sort_order ?? 'asc')) {
          if (!matches(record)) continue;
          if (seen++ < skip) continue;
          page.push(toWire(record));
          if (page.length === limit) break;
        }
        return page;
      });

      app.get<{ Params: { prospect_id: string } }>('/v1/prospects/:prospect_id', async (request, reply) => {
        const record = store.get(request.params.prospect_id);
        return record ? toWire(record) : reply.code(404).send({ detail: 'Prospect not found' });
      });

      app.put<{ Params: { prospect_id: string } }>('/v1/prospects/:prospect_id', async (request, reply) => {
        const parsed = ProspectBody.safeParse(request.body);
        if (!parsed.success) return reply.code(422).send({ detail: fastApiDetail('body', parsed.error, request.body) });
        // PUT replaces the prospect: a field left out of the body is cleared (seed 000 is a full ProspectInput).
        const updated = store.replace(request.params.prospect_id, clean(parsed.data));
        return updated ? toWire(updated) : reply.code(404).send({ detail: 'Prospect not found' });
      });

      app.delete<{ Params: { prospect_id: string } }>('/v1/prospects/:prospect_id', async (request, reply) => {
        return store.delete(request.params.prospect_id)
          ? { message: 'Prospect deleted successfully' }
          : reply.code(404).send({ detail: 'Prospect not found' });
      });
    },
  };
}

/** Drops undefined keys (exactOptionalPropertyTypes) and maps the parsed body onto the store's fields. */
function clean(input: ProspectBody) {
  return {
    status: input.status,
    name: input.name ?? null,
    email: input.email ?? null,
    phoneNumber: input.phoneNumber ?? null,
    externalReference: (input.externalReference ?? []) as Array<Record<string, unknown>>,
    prospectProps: input.prospectProps ?? {},
  };
}

export type TrataSimulator = RunningSimulator & { store: TrataStore; behaviour: TrataBehaviour };

export async function startTrataSimulator(options: TrataSimulatorOptions = {}): Promise<TrataSimulator> {
  const store = new TrataStore();
  const behaviour: TrataBehaviour = { updatedAfter: options.updatedAfter ?? 'inclusive' };
  const running = await startSimulator(trataSpec(store, options, behaviour), options.port ?? 0);
  return Object.assign(running, { store, behaviour });
}
