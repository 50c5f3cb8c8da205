import { identifierParts } from '../tokenize.ts';
import { lightStem } from './stemming.ts';

/** How many neighbouring words are joined into one identifier candidate. */
const MAX_JOINED_WORDS = 4;

/**
 * Names a query may mean, lower-cased without separators, the way the index
 * keeps whole identifiers: each identifier-shaped word ("JsonReader",
 * "next_int") and each run of 2–4 neighbouring words joined, so that
 * "streamable http client transport" reaches `StreamableHTTPClientTransport`
 * and `streamable_http_client`. `words` are the query's meaningful words, in order.
 */
export function identifierCandidates(words: readonly string[]): Set<string> {
  const joined = words.map((word) => identifierParts(word).join(''));
  const candidates = new Set<string>();
  words.forEach((word, index) => {
    if (isIdentifierShaped(word)) candidates.add(joined[index]!);
  });
  for (let start = 0; start < joined.length; start++) {
    let name = joined[start]!;
    for (let length = 2; length <= MAX_JOINED_WORDS && start + length <= joined.length; length++) {
      name += joined[start + length - 1]!;
      candidates.add(name);
    }
  }
  candidates.delete('');
  return candidates;
}

/** A word written as code: camelCase, PascalCase with more than one part, snake_case, or with digits. */
export function isIdentifierShaped(word: string): boolean {
  return /[a-z][A-Z]|[A-Z]{2}[a-z]|[_$]|[a-zA-Z][0-9]/.test(word) && /[A-Za-z]/.test(word);
}

/** How strongly a chunk's defined names match the query, from 0 (no name does) to 1 (one is a name the query spells). */
export function definitionMatch(symbols: string, identifiers: ReadonlySet<string>, stems: ReadonlySet<string>): number {
  if (symbols.length === 0) return 0;
  let best = 0;
  for (const name of symbols.split(' ')) {
    const strength = nameMatchesQuery(name, identifiers, stems);
    if (strength > best) best = strength;
    if (best === 1) break;
  }
  return best;
}

/** How strongly one name (a definition's, a file's) matches the query: spelled (1), or all its parts among the query's words. */
export function nameMatchesQuery(name: string, identifiers: ReadonlySet<string>, stems: ReadonlySet<string>): number {
  // Qualified names (Foo::bar, a.b) are matched by their last segment.
  const segment = lastSegment(name);
  const parts = identifierParts(segment);
  if (parts.length === 0) return 0;
  if (identifiers.has(parts.join(''))) return 1;
  let covered = 0;
  for (const part of parts) if (stems.has(lightStem(part))) covered++;
  if (covered === 0) return 0;
  if (covered === parts.length) return parts.length === 1 ? SINGLE_WORD_NAME : ALL_PARTS_NAME;
  return covered >= 2 ? (PARTIAL_NAME * covered) / parts.length : 0;
}

/** A one-word name that is a query word ("retry"): weak, such words name many things. */
const SINGLE_WORD_NAME = 0.35;
/** Every part of a longer name among the query's words, in any order ("config parse" → parseConfig). */
const ALL_PARTS_NAME = 0.8;
/** Scaled by the share of parts matched, when at least two are. */
const PARTIAL_NAME = 0.5;

function lastSegment(name: string): string {
  const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf(':'), name.lastIndexOf('\\'), name.lastIndexOf('/'));
  return cut >= 0 ? name.slice(cut + 1) : name;
}
