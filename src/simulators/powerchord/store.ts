import { randomUUID } from 'node:crypto';

/** Where a create came from, as the documented PATCH answer reports it (`RequestMeta`). */
export interface PowerChordRequestMeta {
  ContentType: string;
  Host: string;
  IP: string;
  Locale: string;
  URL: string;
  UserAgent: string;
}

/** A lead as the PowerChord simulator keeps it: every field of the documented PATCH answer (seed 004), plus its trunk. */
export interface PowerChordStoredLead {
  ID: string;
  ReadOnly: boolean;
  CreatedAt: string;
  UpdatedAt: string;
  OwnerID: string;
  Content: Record<string, unknown>;
  Impressions: number;
  IsTestLead: boolean;
  Location: { Name: string; Address: string };
  RequestMeta: PowerChordRequestMeta;
  Source: string;
  Status: string;
  Stage: string;
  TypeKey: string;
  TypeLabel: string;
  Views: number;
  ExternalID: string;
  DisplayName: string;
  TrunkID: string;
}

const NO_REQUEST_META: PowerChordRequestMeta = { ContentType: '', Host: '', IP: '', Locale: '', URL: '', UserAgent: '' };

export class PowerChordStore {
  readonly #leads = new Map<string, PowerChordStoredLead>();

  create(input: {
    trunkId: string;
    organizationId: string;
    content: Record<string, unknown>;
    typeKey: string;
    typeLabel: string;
    status: string;
    requestMeta?: PowerChordRequestMeta;
  }): PowerChordStoredLead {
    const now = new Date().toISOString();
    const lead: PowerChordStoredLead = {
      ID: randomUUID(),
      ReadOnly: false,
      CreatedAt: now,
      UpdatedAt: now,
      OwnerID: input.organizationId,
      Content: { ...input.content },
      Impressions: 0,
      IsTestLead: false,
      Location: { Name: '', Address: '' },
      RequestMeta: input.requestMeta ?? NO_REQUEST_META,
      Source: 'lead-collector',
      Status: input.status,
      Stage: 'lead',
      TypeKey: input.typeKey,
      TypeLabel: input.typeLabel,
      Views: 0,
      ExternalID: '',
      DisplayName: displayName(input.content),
      TrunkID: input.trunkId,
    };
    this.#leads.set(lead.ID, lead);
    return lead;
  }

  /** PATCH semantics: `Content` is merged key by key; `Status` and `ExternalID` replace. */
  patch(id: string, changes: { Status?: string | undefined; ExternalID?: string | undefined; Content?: Record<string, unknown> | undefined }): PowerChordStoredLead | null {
    const lead = this.#leads.get(id);
    if (!lead) return null;
    const Content = changes.Content ? { ...lead.Content, ...changes.Content } : lead.Content;
    const updated: PowerChordStoredLead = {
      ...lead,
      ...(changes.Status === undefined ? {} : { Status: changes.Status }),
      ...(changes.ExternalID === undefined ? {} : { ExternalID: changes.ExternalID }),
      Content,
      DisplayName: displayName(Content),
      UpdatedAt: new Date().toISOString(),
    };
    this.#leads.set(id, updated);
    return updated;
  }

  get(id: string): PowerChordStoredLead | undefined {
    return this.#leads.get(id);
  }

  all(): PowerChordStoredLead[] {
    return [...this.#leads.values()];
  }

  byExternalId(externalId: string): PowerChordStoredLead[] {
    return this.all().filter((lead) => lead.ExternalID === externalId);
  }

  get size(): number {
    return this.#leads.size;
  }

  clear(): void {
    this.#leads.clear();
  }
}

function displayName(content: Record<string, unknown>): string {
  const name = content['name'];
  return typeof name === 'string' ? name : '';
}
