import type { ConnectionConfig } from '../providers/types.ts';

/**
 * Whose request budget each connection spends. A provider counts its limit per account, and the token is what names
 * the account: two connections with the same token at the same host (Propexo: one account, one integration each)
 * are one account to the provider ("x-ratelimit-limit ... for your account"), so they must spend one budget, or
 * together they would send twice the limit and meet 429s and Propexo's 2 s slowdown. Such connections share the
 * budget of the first of them by name; every other connection keeps its own. Names, never tokens, end up in keys.
 * Connections without a static token (PowerChord's login or client credentials) keep their own budget.
 */
export function budgetOwners(connections: Iterable<ConnectionConfig>): Map<string, string> {
  const firstByAccount = new Map<string, string>();
  const owners = new Map<string, string>();
  const sorted = [...connections].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const connection of sorted) {
    if (connection.token === '') {
      owners.set(connection.name, connection.name);
      continue;
    }
    const account = JSON.stringify([connection.provider, connection.baseUrl.replace(/\/+$/, ''), connection.token]);
    const first = firstByAccount.get(account) ?? connection.name;
    firstByAccount.set(account, first);
    owners.set(connection.name, first);
  }
  return owners;
}
