import type { FileRole } from '../../protocol/roles.ts';
import type { IndexStore, StoredFileSymbols } from '../store/index-store.ts';
import { TERM, definitionsNamed, familyDigit, termSafe, type TermFamily } from './codec.ts';
import { MATCH_TIERS, humpInitials, matchesInTier, queryHumps, type MatchTier } from './name-match.ts';
import { displayLine, lineTexts } from './source-lines.ts';
import type { SymbolContext } from './symbol-context.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';
import { roleOf } from './file-rank.ts';

export interface FindSymbolOptions {
  readonly kind?: SymbolKind | undefined;
  /** Only names spelled exactly like this (no other case, prefix or camel-hump matches). */
  readonly exact?: boolean | undefined;
  readonly limit: number;
  /** Give each result the definition's source (capped). */
  readonly includeSource?: boolean | undefined;
}

export interface SymbolMatch {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly container?: string;
  /** Path relative to the codebase root. */
  readonly file: string;
  /** The line of the name (where to jump). */
  readonly line: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  /** The line of the name, trimmed. */
  readonly signature: string;
  readonly match: MatchTier;
  /** The file's role; tests, examples and generated code come after the codebase's own code. */
  readonly role: FileRole;
  readonly source?: string;
  readonly sourceTruncated?: boolean;
}

/** Candidate files read per step; a step also ends a tier that has run out. */
const PAGE = 64;
/** Steps per tier and kind of file: a bound for kind or sub-folder filters that reject most candidates. */
const MAX_PAGES = 40;
/** Camel humps are looked up by their initials, which many files share: fewer steps. */
const MAX_HUMP_PAGES = 6;
/** Two one-letter humps ("HS") would match most files: a query needs three humps, or two and four characters. */
const MIN_HUMPS = 3;
const MIN_TWO_HUMP_LENGTH = 4;
const MAX_SOURCE_LINES = 200;
const MAX_SOURCE_CHARS = 16_000;

/**
 * Definitions matching `name`, best first: exact spelling, then other case,
 * then longer names starting with it, then camel humps (`SHCT` →
 * StreamableHTTPClientTransport); within each, the codebase's own code
 * before tests, examples and generated code.
 * Each tier is an index lookup that stops once the limit is reached.
 */
export function findSymbols(store: IndexStore, context: SymbolContext, name: string, options: FindSymbolOptions): { results: SymbolMatch[]; truncated: boolean } {
  const results: Found[] = [];
  const seen = new Set<string>();
  let truncated = false;
  const tiers = options.exact ? (['exact'] as const) : MATCH_TIERS;
  groups: for (const tier of tiers) {
    const query = tierQuery(tier, name);
    if (!query) continue;
    // Two humps of a name that exists ("isObservable") are that name, not an abbreviation.
    if (tier === 'camel-hump' && query.payload.length === 2 && results.some((result) => result.match === 'exact' || result.match === 'case-insensitive')) continue;
    for (const test of [false, true]) {
      const match = `"${familyDigit(query.family, test)}${query.payload}"${query.prefix ? '*' : ''}`;
      // One more than fits tells whether the answer is cut.
      const group = collect(store, context, match, name, tier, options.kind, tier === 'camel-hump' ? MAX_HUMP_PAGES : MAX_PAGES, options.limit - results.length + 1, seen);
      group.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
      for (const definition of group) {
        if (results.length >= options.limit) {
          truncated = true;
          break groups;
        }
        results.push(definition);
      }
    }
  }
  return { results: addText(store, results, options.includeSource === true), truncated };
}

/** Up to `wanted` new matches of one tier among files of one kind (source or tests), page by page. */
function collect(
  store: IndexStore,
  context: SymbolContext,
  match: string,
  name: string,
  tier: MatchTier,
  kind: SymbolKind | undefined,
  maxPages: number,
  wanted: number,
  seen: Set<string>,
): Found[] {
  const found: Found[] = [];
  let after = 0;
  for (let page = 0; page < maxPages && found.length < wanted; page++) {
    const fileIds = store.symbols.matchingFiles(context.codebase.id, match, PAGE, after);
    if (fileIds.length === 0) break;
    after = fileIds[fileIds.length - 1]!;
    for (const definition of matchesIn(store.symbols.ofFiles(fileIds, false), context, name, tier, kind)) {
      const key = `${definition.file}:${definition.line}:${definition.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(definition);
    }
    if (fileIds.length < PAGE) break;
  }
  return found;
}

function tierQuery(tier: MatchTier, name: string): { family: TermFamily; payload: string; prefix: boolean } | undefined {
  const safe = termSafe(name);
  switch (tier) {
    case 'exact':
    case 'case-insensitive':
      return { family: TERM.definition, payload: safe.toLowerCase(), prefix: false };
    case 'prefix':
      // One or two letters would match most of a codebase: not worth a prefix scan.
      return name.length >= 3 ? { family: TERM.definition, payload: safe.toLowerCase(), prefix: true } : undefined;
    case 'camel-hump': {
      const initials = humpInitials(name);
      const selective = !!initials && (initials.length >= MIN_HUMPS || (initials.length === 2 && name.length >= MIN_TWO_HUMP_LENGTH));
      return selective ? { family: TERM.definitionHumps, payload: initials, prefix: true } : undefined;
    }
  }
}

interface Found extends Omit<SymbolMatch, 'signature'> {
  readonly fileId: number;
}

/** The definitions in these files that match in `tier`, by path then line. */
function matchesIn(files: readonly StoredFileSymbols[], context: SymbolContext, name: string, tier: MatchTier, kind: SymbolKind | undefined): Found[] {
  const found: Found[] = [];
  const accepts = nameFilter(name, tier);
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!context.inScope(file.path)) continue;
    const role = roleOf(file);
    for (const definition of definitionsNamed(file.definitions, accepts)) {
      if (!kind || definition.kind === kind) found.push(toMatch(definition, file, tier, role));
    }
  }
  return found;
}

/** A test of names for `tier`, with a cheap first check before the full one. */
function nameFilter(query: string, tier: MatchTier): (name: string) => boolean {
  const lower = query.toLowerCase();
  const first = queryHumps(query)?.[0] ?? lower;
  const quick = tier === 'exact' ? (name: string) => name.length === query.length : tier === 'camel-hump' ? (name: string) => name.toLowerCase().startsWith(first) : (name: string) => name.length >= query.length;
  return (name) => quick(name) && matchesInTier(name, query, tier);
}

function toMatch(definition: SymbolDefinition, file: StoredFileSymbols, tier: MatchTier, role: FileRole): Found {
  return {
    name: definition.name,
    kind: definition.kind,
    ...(definition.container !== undefined ? { container: definition.container } : {}),
    file: file.path,
    fileId: file.fileId,
    line: definition.line,
    startLine: definition.startLine,
    endLine: definition.endLine,
    language: file.language,
    match: tier,
    role,
  };
}

/** Adds the signature line (and the source, when asked) of each result from the stored chunks. */
function addText(store: IndexStore, found: readonly Found[], withSource: boolean): SymbolMatch[] {
  return found.map(({ fileId, ...match }) => {
    const last = withSource ? Math.min(match.endLine, match.startLine + MAX_SOURCE_LINES - 1) : match.line;
    const first = withSource ? match.startLine : match.line;
    const lines = lineTexts(store, fileId, first, last);
    const result: SymbolMatch = { ...match, signature: displayLine(lines.get(match.line)) };
    if (!withSource) return result;
    let source = '';
    for (let line = first; line <= last; line++) source += `${lines.get(line) ?? ''}\n`;
    const cut = source.length > MAX_SOURCE_CHARS || last < match.endLine;
    return { ...result, source: source.slice(0, MAX_SOURCE_CHARS).replace(/\n$/, ''), ...(cut ? { sourceTruncated: true } : {}) };
  });
}
