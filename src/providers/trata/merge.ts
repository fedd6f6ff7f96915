import type { TrataExternalReference, TrataProspect, TrataProspectInput } from './schema.ts';

/**
 * The body of a PUT that changes only what our mapping wrote. Trata's PUT replaces the whole prospect (seed 000
 * sends a full `ProspectInput`; nothing documents a merge), so sending only our mapped fields would wipe what other
 * systems keep there. Starting from the prospect as it is now:
 *  - `status` is ours (required on every PUT);
 *  - `name`, `email`, `phoneNumber`: ours when our body has the key (an explicit null clears), else kept;
 *  - `externalReference`: every entry kept; ours replace the entry with the same `providerName` + `id` (its
 *    `providerProps` merged) or are appended. Null or absent in our body removes nothing;
 *  - `prospectProps`: merged key by key, ours winning. A key we stop sending is left as it is: we cannot tell it
 *    apart from one another system wrote.
 */
export function mergeForPut(current: TrataProspect, ours: TrataProspectInput): TrataProspectInput {
  const merged: TrataProspectInput = { status: ours.status };
  for (const key of ['name', 'email', 'phoneNumber'] as const) {
    const value = Object.hasOwn(ours, key) ? ours[key] : current[key];
    if (value !== undefined) merged[key] = value;
  }

  const references: TrataExternalReference[] = (current.externalReference ?? []).map(copyReference);
  for (const reference of ours.externalReference ?? []) {
    const i = references.findIndex((r) => r.providerName === reference.providerName && r.id === reference.id);
    const existing = references[i];
    if (existing === undefined) references.push(copyReference(reference));
    else references[i] = mergeReference(existing, reference);
  }
  merged.externalReference = references;
  merged.prospectProps = { ...(current.prospectProps ?? {}), ...(ours.prospectProps ?? {}) };
  return merged;
}

/** The documented fields of a reference (the answer may carry more; the input takes these). */
function copyReference(reference: TrataExternalReference): TrataExternalReference {
  const { providerName, id, providerProps } = reference;
  return providerProps === undefined ? { providerName, id } : { providerName, id, providerProps };
}

function mergeReference(theirs: TrataExternalReference, ours: TrataExternalReference): TrataExternalReference {
  const a = theirs.providerProps;
  const b = ours.providerProps;
  if (b === undefined) return copyReference(theirs);
  const bothObjects = a !== null && typeof a === 'object' && b !== null && typeof b === 'object';
  return { providerName: ours.providerName, id: ours.id, providerProps: bothObjects ? { ...a, ...b } : b };
}
