import type { FastifyInstance } from 'fastify';
import type { PowerChordSimAuth } from './auth.ts';
import type { PowerChordStore } from './store.ts';
import { CreateLeadBody, LoginBody, PatchLeadBody, TokenRequest, errorBody, invalidBody } from './validate.ts';

export interface RegionState {
  store: PowerChordStore;
  auth: PowerChordSimAuth;
  trunkId: string;
}

/**
 * The API host (`api.powerchord.com` / `.eu`): the OAuth service (Authentication page) and the lead update
 * (seed 004).
 */
export function apiRoutes(app: FastifyInstance, region: RegionState): void {
  app.post('/v3/oauth2/login', async (request, reply) => {
    const parsed = LoginBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(invalidBody(parsed.error));
    const token = region.auth.login(parsed.data.email, parsed.data.password);
    // *Assumed*: a refused login answers 401 (the page shows only the success).
    if (token === null) return reply.code(401).send(errorBody(401, 'invalid email or password'));
    return { Token: token };
  });

  // The hook has checked the temporary JWT; the page shows a bare POST with no body.
  app.post('/v3/oauth2/client', async () => region.auth.createClient());

  app.post('/v3/oauth2/token', async (request, reply) => {
    const parsed = TokenRequest.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: 'invalid_request' });
    if (parsed.data.grant_type !== 'client_credentials') return reply.code(400).send({ error: 'unsupported_grant_type' });
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? parsed.data.client_id;
    const clientSecret = basic?.secret ?? parsed.data.client_secret;
    const answer = clientId && clientSecret ? region.auth.clientToken(clientId, clientSecret) : null;
    // RFC 6749 §5.2: an unknown client is `invalid_client`, 401.
    if (!answer) return reply.code(401).send({ error: 'invalid_client' });
    return answer;
  });

  app.patch<{ Params: { leadID: string } }>('/v3/lead/:leadID', async (request, reply) => {
    const parsed = PatchLeadBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(invalidBody(parsed.error));
    const lead = region.store.patch(request.params.leadID, parsed.data);
    // *Assumed*: an unknown lead answers 404.
    if (!lead) return reply.code(404).send(errorBody(404, `lead ${request.params.leadID} not found`));
    const { TrunkID: _trunk, ...wire } = lead;
    return wire;
  });
}

/** The leads host (`leads.powerchord.com` / `.eu`): lead creation ("Creating a lead for a specific organization"). */
export function leadsRoutes(app: FastifyInstance, region: RegionState): void {
  app.post<{ Params: { trunkID: string } }>('/v1/:trunkID', async (request, reply) => {
    // *Assumed*: an unknown trunk answers 404.
    if (request.params.trunkID !== region.trunkId) return reply.code(404).send(errorBody(404, `unknown trunk ${request.params.trunkID}`));
    const parsed = CreateLeadBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(invalidBody(parsed.error));
    const body = parsed.data;
    const organizationId = body.organizationID || `org-for-${body.locatorID}`;
    const lead = region.store.create({
      trunkId: region.trunkId,
      organizationId,
      content: body.content ?? {},
      typeKey: body.typeKey,
      typeLabel: body.typeLabel,
      status: body.status,
      requestMeta: {
        ContentType: request.headers['content-type'] ?? '',
        Host: request.headers.host ?? '',
        IP: request.ip,
        Locale: request.headers['accept-language']?.split(',')[0] ?? '',
        URL: `${request.protocol}://${request.headers.host ?? ''}${request.url}`,
        UserAgent: request.headers['user-agent'] ?? '',
      },
    });
    return reply.code(201).send({ leadID: lead.ID, assignedOrganizationID: organizationId });
  });
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}
