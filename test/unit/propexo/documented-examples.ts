/**
 * Propexo's own examples, copied from its documentation as published (the text, verbatim, except where noted), so
 * that tests replay what Propexo says it sends and answers rather than what we assumed.
 */

/** docs.propexo.com, "Webhook Details" → "Data New": "Example Payload showing a new event on Entrata". */
export const DATA_NEW_EVENTS = `{
  "context": {
    "property_id": "property_id_redacted"
  },
  "event": "DATA_NEW",
  "integration_id": "integration_id_redacted",
  "job_id": "job_id_redacted",
  "job_type": "READ_LEAD_EVENTS",
  "meta": {
    "integration_id": "integration_id_redacted",
    "object": "events"
  },
  "object": "events",
  "payload": {
    "created_at": "2025-08-18T13:01:43.525Z",
    "event_name": "Email Opt-In",
    "notes": "Event Scheduler Email",
    "reasons_for_event": "redacted_reason"
  },
  "record_id": "record_id_redacted",
  "root_job_id": "root_job_id_redacted",
  "vendor": "ENTRATA"
}`;

/** docs.propexo.com, "System Overview" → "Understanding Webhook Payloads" (DATA_UPDATE of `residents`). */
export const DATA_UPDATE_RESIDENTS = `{
  "data": {
    "event": "DATA_UPDATE",
    "object": "residents",
    "record_id": "cly301zs1000109jv26hx7hii",
    "diff": {
      "new": { "first_name": "Mary" },
      "previous": { "first_name": "Sarah" }
    }
  }
}`;

/**
 * propexo/documentation, fern/docs/pages/webhooks/how.mdx, "Example webhook sent from Propexo" ("a simplified
 * payload"). The published text has a trailing comma after `integration_id` (not JSON); it is dropped here.
 */
export const DATA_UPDATE_LEASES_SIMPLIFIED = `{
    "meta": {
        "object": "leases",
        "integration_id": "cuid_1234567890"
    },
    "record_id": "cuid_1234567890",
    "diff": {
        "previous": { "status": "pending" },
        "new": { "status": "approved" }
    }
}`;

/** docs.propexo.com API reference, "PMS Generic APIs → Webhooks → V 1 Webhooks Data Update" (the OpenAPI's shape). */
export const DATA_UPDATE_OPENAPI = `{
  "trigger": "DATA_UPDATE",
  "data": {
    "job_id": "string",
    "root_job_id": "string",
    "integration_id": "string",
    "job_type": "string",
    "vendor": "APPFOLIO",
    "event": "DATA_UPDATE",
    "record_id": "string",
    "object": "accounting-entities",
    "diff": {
      "new": {},
      "previous": {}
    },
    "context": {}
  },
  "meta": {
    "object": "accounting-entities",
    "integration_id": "string"
  }
}`;

/** docs.propexo.com, "Webhook Details" → "Write Operation Failure": "Example Payload". */
export const WRITE_OPERATION_FAILURE = `{
  "trigger": "WRITE_OPERATION_FAILURE",
  "data": {
    "event": "WRITE_OPERATION_FAILURE",
    "integration_id": "INTEGRATION_ID_002",
    "vendor": "RESMAN",
    "root_job_id": "ROOT_OPERATION_ID_002",
    "write_status": "PARTIAL_SUCCESS",
    "errors": [
      "Failed to write resident transaction: Duplicate transaction ID"
    ]
  }
}`;

/** docs.propexo.com API reference, "CRM Generic APIs → Webhooks → V 1 Webhooks Write Operation Failure". */
export const WRITE_OPERATION_FAILURE_CRM = `{
  "trigger": "WRITE_OPERATION_FAILURE",
  "data": {
    "event": "WRITE_OPERATION_FAILURE",
    "integration_id": "string",
    "vendor": "APPFOLIO",
    "root_job_id": "string",
    "write_status": "PARTIAL_SUCCESS",
    "errors": [
      "string"
    ]
  }
}`;

/**
 * Integration-level events. Not verbatim: the docs give their fields, not an example with values. SYNC_COMPLETE as
 * fern/docs/pages/webhooks/sync-complete.mdx lists it (flat, no event field); FIRST_SYNC_COMPLETE and JOB_FAILURE
 * as the OpenAPI's `webhooks` schemas require them.
 */
export const SYNC_COMPLETE_FLAT = JSON.stringify({ integration_id: 'cuid_1234567890', successful_job_count: 42, failed_job_count: 1, is_sync_finished: true, vendor: 'ENTRATA' });
export const FIRST_SYNC_COMPLETE = JSON.stringify({
  trigger: 'FIRST_SYNC_COMPLETE',
  data: { event: 'FIRST_SYNC_COMPLETE', integration_id: 'cuid_1234567890', vendor: 'ENTRATA', successful_job_count: 42, failed_job_count: 0, is_sync_finished: true },
});
export const JOB_FAILURE = JSON.stringify({
  trigger: 'JOB_FAILURE',
  data: { job_id: 'job_1', root_job_id: 'job_1', integration_id: 'cuid_1234567890', job_type: 'READ_PROSPECTS', vendor: 'ENTRATA', event: 'JOB_FAILURE' },
});

/** The documented examples with the model renamed to CRM prospects (*assumed* name `prospects`). */
export const asProspects = (example: string): string => example.replaceAll('"events"', '"prospects"').replaceAll('"accounting-entities"', '"prospects"');

/** docs.propexo.com API reference, "Retry a write operation": 400 Bad Request, the `details` example, in its error body. */
export const RETRY_WRITE_400 = {
  error: {
    code: 'invalid_request',
    message: 'invalid request',
    details: { details: { issues: [{ code: 'unrecognized_keys', keys: ['foo'], path: [], message: "Unrecognized key(s) in object: 'foo'" }], name: 'ZodError' } },
  },
};

/** docs.propexo.com API reference, "Retry a write operation": 200 "Successful response" example. */
export const RETRY_WRITE_200 = { success: true, job_id: 'string' };

/** Seed 003 (Update Prospect): every documented field with a documented-valid value. */
export const SEED_003_UPDATE = {
  lease_id: 'lease_abc',
  email_1: 'prospect@example.com',
  phone_1: '+15125550100',
  phone_2: '+15125550101',
  first_name: 'Maya',
  last_name: 'Lin',
  move_in_date: '2026-03-01',
  rent_minimum_in_cents: 150_000,
  rent_maximum_in_cents: 220_000,
  notes: 'Asked about parking.',
  pets: ['SMALL_DOG', 'LARGE_DOG', 'CAT'],
  agent_id: 'agent_1',
  number_of_occupants: 2,
  lease_term_in_months: 24,
  desired_num_bedrooms: [2, 3],
  address_1: 'x'.repeat(40),
  address_2: 'Apt 4',
  city: 'y'.repeat(30),
  state: 'TX',
  zip: '787010000000',
  country: 'US',
  preferred_contact_method: 'EMAIL',
  subscribe: true,
  prospect_source: 'Website',
};

/**
 * docs.propexo.com API reference, "Get a lead by ID" (`GET /v1/leads/:id`; the same envelope on the ResMan, Rent
 * Manager and AppFolio pages, and in the OpenAPI's by-ID answers, e.g. `/v1/admin/job-logs/{job_log_id}`:
 * `required: [meta, results]`, `results` an object): a get by ID answers `{meta, results: {...one record...}}`.
 * The envelope is verbatim; the record inside is a prospect (the CRM "Get a Prospect by ID" example is not stored),
 * with the record fields the lead example shares with a prospect.
 */
export const GET_BY_ID_ENVELOPE = {
  meta: { orderBy: [{}], offset: 0, limit: 100, hasMore: true, total: 1000 },
  results: {
    id: 'clwktsp9v000008l31iv218hn',
    created_at: '2024-03-21T15:38:08.337Z',
    updated_at: '2024-03-22T10:59:45.119Z',
    last_seen: '2024-03-22T10:59:45.119Z',
    address_1: '7810 West St',
    address_2: 'Apt 3',
    city: 'Orlando',
    country: 'FL',
    custom_data: {},
    email_1: 'john.doe@example.com',
    first_name: 'John',
  },
};

/**
 * docs.propexo.com, "Pagination": "Example use of limit" and "Example use of offset" (the comments dropped; their
 * `results` arrays are empty in the docs). No `total`: the docs' meta carries offset, limit, orderBy, hasMore.
 */
export const PAGINATION_LIMIT_EXAMPLE = { meta: { offset: 0, limit: 10, orderBy: [], hasMore: true }, results: [] };
export const PAGINATION_OFFSET_EXAMPLE = { meta: { offset: 10, limit: 100, orderBy: [], hasMore: false }, results: [] };
