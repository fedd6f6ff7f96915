import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PowerChordStatus } from '../../providers/powerchord/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorSpec } from '../server.ts';
import { PowerChordStore } from './store.ts';

// PowerChord documents no error shape (*assumed*: `{error, message, fields}`), the same on both hosts.
const errorBody = (status: number, message: string, fields?: string[]) => ({
  error: status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'bad_request',
  message,
  ...(fields ? { fields } : {}),
});

const CreateBody = z.object({
  organizationID: z.string().min(1).optional(),
  locatorID: z.string().min(1).optional(),
  locationSearch: z.object({ searchText: z.string().optional(), postalCode: z.string().optional() }).optional(),
  content: z.record(z.string(), z.unknown()),
  typeKey: z.string().min(1).optional(),
  typeLabel: z.string().min(1).optional(),
  status: PowerChordStatus.default('open'),
});

// Only these three fields can be updated; anything else is refused rather than silently dropped.
const PatchBody = z.strictObject({
  Status: PowerChordStatus.optional(),
  ExternalID: z.string().optional(),
  Content: z.record(z.string(), z.unknown()).optional(),
});

function invalid(error: z.ZodError) {
  const fields = error.issues.map((issue) => issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : ''));
  return errorBody(400, error.issues.map((i) => `${i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : '(body)')}: ${i.message}`).join('; '), fields);
}

export interface PowerChordSimulatorOptions {
  token?: string;
  seed?: number;
  port?: number;
  /** The trunk (brand) organization id the leads host accepts. @default 'trunk-sim' */
  trunkId?: string;
  /** `us` or `eu`: separate instances with separate stores, as the real regions are. */
  region?: 'us' | 'eu';
}

/**
 * One region of PowerChord. The real service has two hosts per region (the API host for PATCH, the leads host for
 * creates); the simulator serves both route sets on one port, so a connection points both base URLs at it.
 */
export function powerChordSpec(store: PowerChordStore, options: PowerChordSimulatorOptions = {}): SimulatorSpec {
  const trunkId = options.trunkId ?? 'trunk-sim';
  return {
    name: `powerchord-${options.region ?? 'us'}`,
    token: options.token ?? 'powerchord-sim-token',
    seed: options.seed ?? 1,
    errorBody: (status, message) => errorBody(status, message),
    routes(app: FastifyInstance) {
      app.post<{ Params: { trunkID: string } }>('/v1/:trunkID', async (request, reply) => {
        if (request.params.trunkID !== trunkId) return reply.code(404).send(errorBody(404, `unknown trunk ${request.params.trunkID}`));
        const parsed = CreateBody.safeParse(request.body);
        if (!parsed.success) return reply.code(400).send(invalid(parsed.error));
        const body = parsed.data;
        const organizationId = body.organizationID ?? (body.locatorID && body.locationSearch ? `org-for-${body.locatorID}` : null);
        if (organizationId === null) {
          return reply.code(400).send(errorBody(400, 'organizationID, or locatorID with locationSearch, is required', ['organizationID']));
        }
        const lead = store.create({
          trunkId,
          organizationId,
          content: body.content,
          typeKey: body.typeKey ?? 'contact-us',
          typeLabel: body.typeLabel ?? body.typeKey ?? 'contact-us',
          status: body.status,
        });
        return reply.code(201).send({ leadID: lead.ID, assignedOrganizationID: organizationId });
      });

      app.patch<{ Params: { leadID: string } }>('/v3/lead/:leadID', async (request, reply) => {
        const parsed = PatchBody.safeParse(request.body);
        if (!parsed.success) return reply.code(400).send(invalid(parsed.error));
        const lead = store.patch(request.params.leadID, parsed.data);
        if (!lead) return reply.code(404).send(errorBody(404, `lead ${request.params.leadID} not found`));
        const { TrunkID: _trunk, ...wire } = lead;
        return wire;
      });
    },
  };
}

export type PowerChordSimulator = RunningSimulator & { store: PowerChordStore; trunkId: string; region: 'us' | 'eu' };

export async function startPowerChordSimulator(options: PowerChordSimulatorOptions = {}): Promise<PowerChordSimulator> {
  const store = new PowerChordStore();
  const running = await startSimulator(powerChordSpec(store, options), options.port ?? 0);
  return Object.assign(running, { store, trunkId: options.trunkId ?? 'trunk-sim', region: options.region ?? 'us' });
}
