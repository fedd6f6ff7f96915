import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TrataListQuery, TrataProspectInput } from '../../providers/trata/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorSpec } from '../server.ts';
import { parseMicros, TrataStore, type TrataStoredProspect } from './store.ts';

// Trata is FastAPI/pydantic: unknown body fields are ignored, not rejected. The docs' own example sends
// `prospectProps: "software"` and shows `prospectProps: {}` in the answer: a string is accepted and stored as {}.
const BodySchema = z.object({
  ...TrataProspectInput.shape,
  prospectProps: z.union([z.record(z.string(), z.unknown()), z.string().transform(() => ({}))]).nullish(),
});

const PYDANTIC_TYPES: Record<string, string> = {
  invalid_type: 'type_error',
  too_big: 'string_too_long',
  too_small: 'string_too_short',
  invalid_value: 'enum',
  invalid_format: 'value_error',
};

/** zod issues as FastAPI's 422 `detail[]`: `{loc: ['body', 'email'], msg, type}`. */
function detail(where: 'body' | 'query', error: z.ZodError, input: unknown) {
  return error.issues.map((issue) => {
    const given = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), input);
    const missing = given === undefined && issue.code !== 'unrecognized_keys';
    return {
      loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      msg: missing ? 'Field required' : issue.message,
      type: missing ? 'missing' : (PYDANTIC_TYPES[issue.code] ?? 'value_error'),
    };
  });
}

function toWire(record: TrataStoredProspect) {
  const { updatedMicros: _u, createdMicros: _c, ...wire } = record;
  return wire;
}

export interface TrataSimulatorOptions {
  token?: string;
  seed?: number;
  port?: number;
}

export function trataSpec(store: TrataStore, options: TrataSimulatorOptions = {}): SimulatorSpec {
  return {
    name: 'trata',
    token: options.token ?? 'trata-sim-token',
    seed: options.seed ?? 1,
    errorBody: (_status, message) => ({ detail: message }),
    routes(app: FastifyInstance) {
      app.get('/status', async () => ({ status: 'ok' }));

      app.post('/v1/prospects', async (request, reply) => {
        const parsed = BodySchema.safeParse(request.body);
        if (!parsed.success) return reply.code(422).send({ detail: detail('body', parsed.error, request.body) });
        return reply.code(200).send(toWire(store.create(clean(parsed.data))));
      });

      app.get('/v1/prospects', async (request, reply) => {
        const parsed = TrataListQuery.safeParse(request.query);
        if (!parsed.success) return reply.code(422).send({ detail: detail('query', parsed.error, request.query) });
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
          // *assumed*: updated_after is inclusive (>=), updated_before exclusive (<).
          (after === null || r.updatedMicros >= after) &&
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
        const parsed = BodySchema.safeParse(request.body);
        if (!parsed.success) return reply.code(422).send({ detail: detail('body', parsed.error, request.body) });
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
function clean(input: z.infer<typeof BodySchema>) {
  return {
    status: input.status,
    name: input.name ?? null,
    email: input.email ?? null,
    phoneNumber: input.phoneNumber ?? null,
    externalReference: (input.externalReference ?? []) as Array<Record<string, unknown>>,
    prospectProps: input.prospectProps ?? {},
  };
}

export type TrataSimulator = RunningSimulator & { store: TrataStore };

export async function startTrataSimulator(options: TrataSimulatorOptions = {}): Promise<TrataSimulator> {
  const store = new TrataStore();
  const running = await startSimulator(trataSpec(store, options), options.port ?? 0);
  return Object.assign(running, { store });
}
