import { normalizeExtension } from '../languages.ts';
import { queryTerms } from '../tokenize.ts';

/**
 * Where a search's terms are looked for: in the symbol, path and body
 * columns only (`searched`), or in any column (`any`), which gives the same
 * matches when no term can match the extension column and costs FTS5 less
 * (see extension-tokens.ts).
 */
export type TermColumns = 'searched' | 'any';

/**
 * The FTS5 expression for a query: any of its terms in the symbol, path or
 * body columns (bm25 ranks chunks that have more, and rarer, of them higher),
 * restricted to the given extensions. Terms are quoted, so no user input is
 * ever read as FTS5 syntax. Returns undefined when there are no terms.
 */
export function ftsExpression(query: string, extensionFilter: readonly string[] = []): string | undefined {
  return termsExpression(queryTerms(query), extensionFilter);
}

/** The same, for terms already chosen (see TermRarity). */
export function termsExpression(terms: readonly string[], extensionFilter: readonly string[] = [], columns: TermColumns = 'searched'): string | undefined {
  const expression = combinedTermsExpression(terms, 'OR', columns);
  if (expression === undefined || extensionFilter.length === 0) return expression;
  const extensions = [...new Set(extensionFilter.map((extension) => normalizeExtension(extension).slice(1)))];
  return `${expression} AND ext : (${extensions.map(quote).join(' OR ')})`;
}

/**
 * The chunks holding all of `terms` (`AND`) or any (`OR`), to be ranked by
 * those terms alone: with the same columns as the whole query's expression,
 * each term's idf (counted over its own matches in those columns) is the one
 * the whole query uses.
 */
export function combinedTermsExpression(terms: readonly string[], operator: 'AND' | 'OR', columns: TermColumns): string | undefined {
  if (terms.length === 0) return undefined;
  const combined = `(${terms.map(quote).join(` ${operator} `)})`;
  return columns === 'any' ? combined : `${SEARCHED_COLUMNS} : ${combined}`;
}

const SEARCHED_COLUMNS = '{symbols path body}';

function quote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The expression matching one term anywhere it is searched. */
export function singleTermExpression(term: string, columns: TermColumns = 'searched'): string {
  return columns === 'any' ? quote(term) : `${SEARCHED_COLUMNS} : ${quote(term)}`;
}
