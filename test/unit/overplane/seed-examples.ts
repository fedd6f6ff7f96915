/**
 * The examples of the Overplane seed doc (seed 002), copied as published, including its oddities (timestamps with
 * spaces: "2024-01-15T09: 30: 00Z"). Responses must parse with the connector's response schemas; requests are sent
 * to the simulator by the contract test.
 */
export const SEED_PROSPECT = {
  id: 'prospect_abc123',
  created_at: '2024-01-15T09: 30: 00Z',
  updated_at: '2024-01-15T09: 30: 00Z',
  company_name: 'Example Corp',
  industry: 'industry_example',
  market_segment: 'market_segment_example',
  customer_group: 'customer_group_example',
  territory: 'territory_example',
  no_of_employees: 'no_of_employees_example',
  annual_revenue: 0,
  fax: 'fax_example',
  website: 'website_example',
  prospect_owner: 'prospect_owner_example',
  company: 'Example Corp',
};

export const SEED_LIST = { data: [SEED_PROSPECT], has_more: false, total: 1 };

export const SEED_DELETED = { id: 'prospect_abc123', deleted: true };

export const SEED_PROSPECT_LEAD = {
  id: 'prospect-lead_abc123',
  idx: 1,
  prospect_id: 'prospect_id_example',
  lead: 'lead_example',
  lead_name: 'lead_name_example',
  status: 'draft',
  email: 'user@example.com',
  mobile_no: 'mobile_no_example',
  lead_owner: 'lead_owner_example',
};

export const SEED_PROSPECT_OPPORTUNITY = {
  id: 'prospect-opportunity_abc123',
  idx: 1,
  prospect_id: 'prospect_id_example',
  opportunity: 'opportunity_example',
  amount: 0,
  stage: 'stage_example',
  probability: 0,
  expected_closing: 'expected_closing_example',
  currency: 'USD',
  deal_owner: 'deal_owner_example',
  contact_person: 'contact_person_example',
};

/** Request bodies shown by the doc's curl examples. */
export const SEED_CREATE_BODY = { company: 'Example Corp' };
export const SEED_PATCH_BODY = { company_name: 'Example Corp', industry: 'industry_example' };

/** A line item's object minus what the server assigns (`id`, `idx`): the body the doc implies for its POST. */
export function lineItemBody<T extends { id: string; idx: number; prospect_id: string }>(example: T, prospectId: string): Omit<T, 'id' | 'idx'> {
  const { id: _id, idx: _idx, ...rest } = example;
  return { ...rest, prospect_id: prospectId };
}
