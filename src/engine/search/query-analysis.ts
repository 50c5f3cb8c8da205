import type { FileRole } from '../../protocol/roles.ts';
import { MAX_TERM_LENGTH, identifierParts, isStopWord, queryTerms } from '../tokenize.ts';
import { identifierCandidates, spelledNames } from './identifiers.ts';
import { lightStem } from './stemming.ts';

/** What a search needs to know about its query, worked out once. */
export interface AnalyzedQuery {
  /** Terms for the full-text index: the query's own, plus identifier candidates joined from its words. */
  readonly terms: readonly string[];
  /** Whole names the query may mean, lower-cased without separators ("jsonreader", "streamablehttpclienttransport"). */
  readonly identifiers: ReadonlySet<string>;
  /** Light stems of the query's meaningful words and identifier parts. */
  readonly stems: ReadonlySet<string>;
  /** The index terms of the query's meaningful words, one per word part (no joined forms). */
  readonly words: ReadonlySet<string>;
  /** Roles the query's words ask for ("tests for…", "docs of…"). */
  readonly askedRoles: ReadonlySet<FileRole>;
}

const IDENTIFIER = /[A-Za-z0-9_$\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+/g;

/**
 * Words that ask for files of a role. Only words that name the role itself:
 * "config" does not ask for configuration files ("where is the config
 * parsed" wants code), "yaml" or "dockerfile" does.
 */
const ROLE_WORDS: ReadonlyMap<string, FileRole> = new Map([
  ...['test', 'tests', 'testing', 'tested', 'testcase', 'testcases', 'unittest', 'unittests', 'spec', 'specs', 'fixture', 'fixtures', 'e2e'].map(
    (word) => [word, 'test'] as const,
  ),
  ...['doc', 'docs', 'documentation', 'documented', 'document', 'readme', 'guide', 'tutorial'].map((word) => [word, 'docs'] as const),
  ...['changelog', 'changelogs', 'changes.md', 'news.md'].map((word) => [word, 'changelog'] as const),
  ...['example', 'examples', 'sample', 'samples', 'demo', 'demos', 'bench', 'benchmark', 'benchmarks'].map((word) => [word, 'example'] as const),
  ...['yaml', 'yml', 'toml', 'dockerfile', 'makefile', 'gradle', 'workflow', 'workflows', 'tsconfig', 'manifest'].map((word) => [word, 'config'] as const),
  ...['generated', 'declaration', 'declarations', 'typings', 'stub', 'stubs', 'protobuf'].map((word) => [word, 'generated'] as const),
]);

/**
 * Words of a query that count; the rest is not searched. Each word brings up to
 * five terms (its parts, its joins with its neighbours) and the ranking's cost grows
 * with their number: 660 words (2,000 characters) took 0.8 s of the thread that
 * answers the election, IPC and MCP, 64 words take milliseconds. A question
 * is far shorter (the longest of the quality bench's 400 has 40 words).
 */
export const MAX_QUERY_WORDS = 64;

/** The query up to where its word after the `count`th starts: the whole query (closing quotes and backticks too) when it has no more. */
function firstWords(query: string, count: number): string {
  let seen = 0;
  for (const match of query.matchAll(IDENTIFIER)) {
    if (++seen > count) return query.slice(0, match.index);
  }
  return query;
}

/** `joinedTerms`: also search the identifier candidates joined from the query's words. */
export function analyzeQuery(fullQuery: string, joinedTerms = true): AnalyzedQuery {
  const query = firstWords(fullQuery, MAX_QUERY_WORDS);
  const words = [...query.matchAll(IDENTIFIER)].map((match) => match[0]);
  const meaningful = words.filter((word) => words.length === 1 || !isStopWord(word));
  const identifiers = identifierCandidates(meaningful);
  for (const name of spelledNames(query)) identifiers.add(name);
  const stems = new Set<string>();
  const wordTerms = new Set<string>();
  for (const word of meaningful) {
    for (const part of identifierParts(word)) {
      stems.add(lightStem(part));
      if (part.length >= 2 && part.length <= MAX_TERM_LENGTH) wordTerms.add(part);
    }
  }
  const askedRoles = new Set<FileRole>();
  for (const word of words) {
    const role = ROLE_WORDS.get(word.toLowerCase());
    if (role) askedRoles.add(role);
  }
  if (/release notes/i.test(query)) askedRoles.add('changelog');
  const terms = new Set(queryTerms(query));
  if (joinedTerms) for (const identifier of identifiers) if (identifier.length <= MAX_TERM_LENGTH) terms.add(identifier);
  return { terms: [...terms], identifiers, stems, words: wordTerms, askedRoles };
}
