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

/**
 * A token with inner separators: kebab-case, a path, a member or scope (`id-denylist`, `Layout/FirstArgumentIndentation`, `Number.parseInt`).
 * It starts only where a word starts: tried at every character of a long word, the greedy
 * first segment backtracked the rest of the word each time (a 80,000-character word: 2.9 s).
 */
const COMPOUND_TOKEN = /(?<![A-Za-z0-9_$])[A-Za-z0-9_$]+(?:(?:[-./]|::)[A-Za-z0-9_$]+)+/g;
/** A span in backticks: the writer marked it as code. */
const BACKTICKED = /`([^`\n]{1,80})`/g;
/** File extensions, which name no thing of their own (`index.js` means index). */
const EXTENSION = /^(js|mjs|cjs|jsx|ts|mts|cts|tsx|py|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|md|json|ya?ml|toml|sh|zsh)$/i;

/**
 * Names the query spells as code: each compound token joined whole and its
 * last segment (`id-denylist` → iddenylist; `Layout/FirstArgumentIndentation`
 * → layoutfirstargumentindentation and firstargumentindentation;
 * `languages/js/index.js` → index), and any word in backticks (`eqeqeq`).
 */
export function spelledNames(query: string): Set<string> {
  const names = new Set<string>();
  for (const [token] of query.matchAll(COMPOUND_TOKEN)) addCompound(token, names);
  for (const [, span] of query.matchAll(BACKTICKED)) {
    const withoutExtensions = span!.replace(/\.([A-Za-z0-9]+)(?![A-Za-z0-9_$])/g, (dotted, name: string) => (EXTENSION.test(name) ? '' : dotted));
    for (const [word] of withoutExtensions.matchAll(/[A-Za-z0-9_$]+/g)) names.add(identifierParts(word).join(''));
    for (const [token] of span!.matchAll(COMPOUND_TOKEN)) addCompound(token, names);
  }
  names.delete('');
  return names;
}

function addCompound(token: string, names: Set<string>): void {
  const segments = token.split(/[-./]|::/).filter((segment) => segment.length > 0);
  while (segments.length > 1 && EXTENSION.test(segments[segments.length - 1]!)) segments.pop();
  if (segments.length === 0) return;
  names.add(segments.map((segment) => identifierParts(segment).join('')).join(''));
  names.add(identifierParts(segments[segments.length - 1]!).join(''));
}

/** A word written as code: camelCase, PascalCase with more than one part, snake_case, or with digits. */
export function isIdentifierShaped(word: string): boolean {
  return /[a-z][A-Z]|[A-Z]{2}[a-z]|[_$]|[a-zA-Z][0-9]/.test(word) && /[A-Za-z]/.test(word);
}

/** How strongly a name matches one query (see nameMatchesQuery), remembered: candidates share names, folders and files. */
export type NameMatcher = (name: string) => number;

export function nameMatcher(identifiers: ReadonlySet<string>, stems: ReadonlySet<string>): NameMatcher {
  const known = new Map<string, number>();
  const mayMatch = nameMayMatch(identifiers, stems);
  return (name) => {
    let strength = known.get(name);
    if (strength === undefined) {
      strength = mayMatch(name) ? nameMatchesQuery(name, identifiers, stems) : 0;
      known.set(name, strength);
    }
    return strength;
  };
}

/**
 * A quick test that a name cannot match the query, so that most of a search's
 * names (a few thousand among its candidates) are never split into parts
 * and stemmed. A name matches when its parts joined are a query identifier,
 * which is then in the name lower-cased without separators, or when a part's
 * light stem is a query stem, and a stem keeps all but its last letter of the
 * word it came from (lightStem trims suffixes, then may change a final "y" to
 * "i" or drop an "e" or a doubled consonant; words of three letters or fewer
 * stay whole), which is then in the name lower-cased.
 */
function nameMayMatch(identifiers: ReadonlySet<string>, stems: ReadonlySet<string>): (name: string) => boolean {
  const stemKeys = [...stems].map((stem) => withOneSigma(stem.length <= 3 ? stem : stem.slice(0, -1)));
  const identifierKeys = [...identifiers].map(withOneSigma);
  return (name) => {
    const lower = withOneSigma(name.toLowerCase());
    for (const key of stemKeys) if (lower.includes(key)) return true;
    const joined = lower.replace(NAME_SEPARATORS, '');
    for (const key of identifierKeys) if (joined.includes(key)) return true;
    return false;
  };
}

/** What identifierParts splits at and drops (besides case changes), and the kebab names' dash. */
const NAME_SEPARATORS = /[-_$]/g;

/**
 * The one lower-casing that depends on the letters around it: a capital
 * sigma after a letter becomes a final sigma, and "." or ":" do not end that
 * context, so "Shape.Σ1" lower-cased whole has "ς1" where its part alone has
 * "σ1". Compared with both read as σ, the quick test stays a superset.
 */
function withOneSigma(text: string): string {
  return text.includes('ς') ? text.replaceAll('ς', 'σ') : text;
}

/** How strongly a chunk's defined names match the query, from 0 (no name does) to 1 (one is a name the query spells). */
export function definitionMatch(symbols: string, matches: NameMatcher): number {
  if (symbols.length === 0) return 0;
  let best = 0;
  for (const name of symbols.split(' ')) {
    const strength = matches(name);
    if (strength > best) best = strength;
    if (best === 1) break;
  }
  return best;
}

/** How strongly one name (a definition's, a file's) matches the query: spelled (1), or all its parts among the query's words. */
export function nameMatchesQuery(name: string, identifiers: ReadonlySet<string>, stems: ReadonlySet<string>): number {
  // Qualified names (Foo::bar, a.b) are matched by their last segment; kebab names (id-denylist) whole.
  const segment = lastSegment(name);
  const parts = segment.split('-').flatMap((piece) => identifierParts(piece));
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
