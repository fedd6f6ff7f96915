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

/**
 * "The Lead object" of Overplane's `lead` page, as published except `email_id`, which the page shows obfuscated
 * ("[email protected]"). Its id has the `lead_` form a prospect-lead's `lead` links to.
 */
export const SEED_LEAD = {
  id: 'lead_abc123',
  created_at: '2024-01-15T09: 30: 00Z',
  updated_at: '2024-01-15T09: 30: 00Z',
  lead_name: 'lead_name_example',
  company_name: 'Example Corp',
  email_id: 'user@example.com',
  lead_owner: '__user',
  status: 'Lead',
  salutation: 'salutation_example',
  gender: 'gender_example',
  customer: 'customer_example',
  image: 'image_example',
  phone: 'phone_example',
  mobile_no: 'mobile_no_example',
  fax: 'fax_example',
  type: 'type_example',
  market_segment: 'market_segment_example',
  industry: 'industry_example',
  request_type: 'request_type_example',
  company: 'Example Corp',
  website: 'website_example',
  territory: 'territory_example',
  unsubscribed: false,
  blog_subscriber: false,
  title: 'title_example',
  language: 'language_example',
  first_name: 'first_name_example',
  middle_name: 'middle_name_example',
  last_name: 'last_name_example',
  no_of_employees: 'no_of_employees_example',
  whatsapp_no: 'whatsapp_no_example',
  phone_ext: 'phone_ext_example',
  qualified_by: 'qualified_by_example',
  qualified_on: 'qualified_on_example',
  qualification_status: 'qualification_status_example',
  job_title: 'job_title_example',
  annual_revenue: 0,
  disabled: false,
  city: 'city_example',
  state: 'state_example',
  country: 'country_example',
  utm_content: 'utm_content_example',
  utm_source: 'utm_source_example',
  utm_medium: 'utm_medium_example',
  utm_campaign: 'utm_campaign_example',
};

/** Request bodies shown by the doc's curl examples. */
export const SEED_CREATE_BODY = { company: 'Example Corp' };
export const SEED_PATCH_BODY = { company_name: 'Example Corp', industry: 'industry_example' };

/**
 * A line item's object minus its `id`: the body the doc implies for its POST. `idx` stays: Overplane's child-item
 * pages list it among the body parameters.
 */
export function lineItemBody<T extends { id: string; prospect_id: string }>(example: T, prospectId: string): Omit<T, 'id'> {
  const { id: _id, ...rest } = example;
  return { ...rest, prospect_id: prospectId };
}

/** A record's object minus what the server assigns (`id`, timestamps). */
export function recordBody<T extends { id: string; created_at: string; updated_at: string }>(example: T): Omit<T, 'id' | 'created_at' | 'updated_at'> {
  const { id: _id, created_at: _c, updated_at: _u, ...rest } = example;
  return rest;
}
