import { identifierParts } from '../tokenize.ts';

/** How a definition's name matched the asked name, best first. */
export const MATCH_TIERS = ['exact', 'case-insensitive', 'prefix', 'camel-hump'] as const;
export type MatchTier = (typeof MATCH_TIERS)[number];

/** Whether `name` matches `query` in `tier` (and in no better tier). */
export function matchesInTier(name: string, query: string, tier: MatchTier): boolean {
  switch (tier) {
    case 'exact':
      return name === query;
    case 'case-insensitive':
      return name !== query && name.toLowerCase() === query.toLowerCase();
    case 'prefix':
      return name.length > query.length && name.toLowerCase().startsWith(query.toLowerCase());
    case 'camel-hump':
      return !name.toLowerCase().startsWith(query.toLowerCase()) && camelHumpMatch(query, name);
  }
}

/**
 * The humps of a query, lower-cased: a query in mixed case (or with `_`) is
 * split like an identifier (`StrHttpCli`, `StrHTTPCli` → str, http, cli); one
 * all in upper or all in lower case is one hump a letter (`SHCT`, `shct`).
 * Undefined when it has fewer than two.
 */
export function queryHumps(query: string): string[] | undefined {
  if (!/^[A-Za-z0-9_$]+$/.test(query)) return undefined;
  const mixed = (/[A-Z]/.test(query) && /[a-z]/.test(query)) || /[_$]/.test(query);
  const humps = mixed ? identifierParts(query) : [...query.toLowerCase()];
  return humps.length >= 2 ? humps : undefined;
}

/**
 * Camel-hump matching: each hump of the query starts a part of the name, in
 * order, from its first part (`SHCT` and `StrHttpCli` both match
 * `StreamableHTTPClientTransport`, whose parts are streamable, http, client,
 * transport).
 */
export function camelHumpMatch(query: string, name: string): boolean {
  const humps = queryHumps(query);
  if (!humps) return false;
  const parts = identifierParts(name);
  if (parts.length < humps.length) return false;
  return humps.every((hump, index) => parts[index]!.startsWith(hump));
}

/** The term payload of a query's humps: their initials (`shct`). */
export function humpInitials(query: string): string | undefined {
  return queryHumps(query)?.map((hump) => hump[0]!).join('');
}
