/**
 * Code-aware terms. Identifiers are split at camelCase, PascalCase, snake_case,
 * kebab-case and digit boundaries, and also kept whole (lower-cased, joined), so
 * that "parse config", "parseConfig", "parse_config" and "ParseConfig" all meet
 * on the same terms. The FTS table stores these terms, not the raw text.
 */

const IDENTIFIER = /[A-Za-z0-9_$\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+/g;
/** Longer terms are not indexed (a whole identifier of 60 characters is kept only as its parts). */
export const MAX_TERM_LENGTH = 40;

/** Words that carry no meaning in a question about code. */
const STOP_WORDS = new Set(
  ('a an and are as at be been but by can could do does did for from has have how i if in into is it its ' +
    'me my of on or our should so than that the their them then there these they this those to was we were ' +
    'what when where which who whom why will with would you your all any each find show get code codebase ' +
    'implemented implementation handle handled handles logic function functions method methods ' +
    'used use uses using work works done happen happens place part').split(' '),
);

/**
 * Splits one identifier into lower-case parts: "parseHTTPConfig2" → parse,
 * http, config2. A part ends at `_` or `$`, between a lower-case letter or
 * digit and a capital ("parseConfig"), and before the last capital of a run
 * followed by a lower-case letter ("HTTPServer"). Boundaries are found left
 * to right without overlapping, as a global regular expression would
 * (/([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])/g: "aBCd" → a, bcd), in one pass:
 * it runs for every name of every search candidate and every identifier
 * indexed (test/unit/identifier-parts.test.ts checks it against the regex).
 */
export function identifierParts(identifier: string): string[] {
  const parts: string[] = [];
  let partStart = 0;
  let at = 0;
  const cut = (end: number, next: number): void => {
    if (end > partStart) parts.push(identifier.slice(partStart, end).toLowerCase());
    partStart = next;
  };
  while (at < identifier.length) {
    const code = identifier.charCodeAt(at);
    if (code === UNDERSCORE || code === DOLLAR) {
      cut(at, at + 1);
      at++;
    } else if (isLowerOrDigit(code) && isUpper(identifier.charCodeAt(at + 1))) {
      cut(at + 1, at + 1);
      at += 2;
    } else if (isUpper(code) && isUpper(identifier.charCodeAt(at + 1)) && isLower(identifier.charCodeAt(at + 2))) {
      cut(at + 1, at + 1);
      at += 3;
    } else {
      at++;
    }
  }
  cut(identifier.length, identifier.length);
  return parts;
}

const UNDERSCORE = 95;
const DOLLAR = 36;

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isLowerOrDigit(code: number): boolean {
  return isLower(code) || (code >= 48 && code <= 57);
}

/** Whether a query word is a stop word (a one-part word in the list). */
export function isStopWord(word: string): boolean {
  const parts = identifierParts(word);
  return parts.length === 1 && STOP_WORDS.has(parts[0]!);
}

function usable(term: string): boolean {
  return term.length >= 2 && term.length <= MAX_TERM_LENGTH;
}

/** Appends the index terms of one identifier to `out`. */
function pushIdentifierTerms(identifier: string, out: string[]): void {
  out.push(...termsOfIdentifier(identifier));
}

/** The index terms of one identifier: its parts, and the parts joined when there are several. */
function termsOfIdentifier(identifier: string): string[] {
  const parts = identifierParts(identifier);
  const terms: string[] = [];
  if (parts.length > 1) {
    const whole = parts.join('');
    if (usable(whole)) terms.push(whole);
  }
  for (const part of parts) if (usable(part)) terms.push(part);
  return terms;
}

/**
 * Each identifier's terms, joined, for the identifiers of one file: a file
 * repeats its identifiers many times. Kept for one file only: its keys are
 * slices of the file's text and would keep that text alive.
 */
export type TermCache = Map<string, string>;

/** The terms stored for a piece of text, as one space-separated string for FTS5. */
export function indexTerms(text: string, cache?: TermCache): string {
  const out: string[] = [];
  IDENTIFIER.lastIndex = 0;
  for (let match = IDENTIFIER.exec(text); match !== null; match = IDENTIFIER.exec(text)) {
    const identifier = match[0];
    let terms = cache?.get(identifier);
    if (terms === undefined) {
      terms = termsOfIdentifier(identifier).join(' ');
      cache?.set(identifier, terms);
    }
    if (terms !== '') out.push(terms);
  }
  return out.join(' ');
}

/** Terms for a file path: every directory and file name part, split like identifiers. */
export function pathTerms(relativePath: string): string {
  return indexTerms(relativePath.replace(/[/.\-]/g, ' '));
}

/**
 * Terms of a search query. Identifier queries keep their whole form; for
 * natural-language queries stop words are dropped and neighbouring words are
 * also joined ("parse config" → parseconfig) so that they find the identifier.
 */
export function queryTerms(query: string): string[] {
  const words = [...query.matchAll(IDENTIFIER)].map((m) => m[0]);
  const terms = new Set<string>();
  const meaningful: string[] = [];
  for (const word of words) {
    const parts = identifierParts(word);
    if (parts.length === 0) continue;
    const isStopWord = parts.length === 1 && STOP_WORDS.has(parts[0]!);
    if (isStopWord && words.length > 1) continue;
    const collected: string[] = [];
    pushIdentifierTerms(word, collected);
    for (const term of collected) terms.add(term);
    meaningful.push(parts.join(''));
  }
  for (let i = 0; i + 1 < meaningful.length; i++) {
    const joined = meaningful[i]! + meaningful[i + 1]!;
    if (usable(joined)) terms.add(joined);
  }
  return [...terms];
}
