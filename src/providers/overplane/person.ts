import { ProviderNotFoundError } from '../errors.ts';
import type { CallOptions } from '../types.ts';
import type { OverplaneClient } from './client.ts';
import type { OverplaneLeadCreate, OverplanePersonWrite, OverplaneProspectLead, OverplaneProspectUpdate } from './schema.ts';

/**
 * A person lives twice in Overplane: as a Lead record, and as a prospect-lead row that links it (`lead`, assumption
 * 9 in schema.ts) and carries copies of its name, email, mobile and status, as ERPNext's Prospect Lead does.
 */

/** The Lead record's fields for a person (the Lead names its email `email_id`), with the prospect's company. */
export function leadRecordFields(person: OverplanePersonWrite, prospect: OverplaneProspectUpdate): OverplaneLeadCreate {
  const fields: OverplaneLeadCreate = {};
  if (person.lead_name !== undefined) fields.lead_name = person.lead_name;
  if (person.email !== undefined) fields.email_id = person.email;
  if (person.mobile_no !== undefined) fields.mobile_no = person.mobile_no;
  if (person.status !== undefined) fields.status = person.status;
  if (person.lead_owner !== undefined) fields.lead_owner = person.lead_owner;
  const company = prospect.company_name ?? prospect.company;
  if (company !== undefined) fields.company_name = company;
  return fields;
}

/** Creates the person's Lead record, then the row linking it under `prospectId`. */
export async function addPerson(client: OverplaneClient, prospectId: string, person: OverplanePersonWrite, prospect: OverplaneProspectUpdate, options: CallOptions): Promise<OverplaneProspectLead> {
  const lead = await client.leadRecords.create(leadRecordFields(person, prospect), options);
  return client.leads.create({ ...person, prospect_id: prospectId, lead: lead.id }, options);
}

/**
 * Updates the person of an existing row: its linked Lead record, then the row. A row whose Lead is gone (deleted in
 * Overplane) gets a new Lead and is re-linked, rather than failing the record forever.
 */
export async function updatePerson(client: OverplaneClient, row: OverplaneProspectLead, person: OverplanePersonWrite, prospect: OverplaneProspectUpdate, options: CallOptions): Promise<OverplaneProspectLead> {
  const fields = leadRecordFields(person, prospect);
  let link = row.lead;
  try {
    if (Object.keys(fields).length > 0) await client.leadRecords.update(link, fields, options);
  } catch (error) {
    if (!(error instanceof ProviderNotFoundError)) throw error;
    link = (await client.leadRecords.create(fields, options)).id;
  }
  return client.leads.update(row.id, link === row.lead ? person : { ...person, lead: link }, options);
}
