import { normalizeExtension } from '../languages.ts';
import { queryTerms } from '../tokenize.ts';

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
export function termsExpression(terms: readonly string[], extensionFilter: readonly string[] = []): string | undefined {
  if (terms.length === 0) return undefined;
  const anyTerm = terms.map(quote).join(' OR ');
  const expression = `{symbols path body} : (${anyTerm})`;
  if (extensionFilter.length === 0) return expression;
  const extensions = [...new Set(extensionFilter.map((extension) => normalizeExtension(extension).slice(1)))];
  return `${expression} AND ext : (${extensions.map(quote).join(' OR ')})`;
}

function quote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The expression matching one term anywhere it is searched. */
export function singleTermExpression(term: string): string {
  return `{symbols path body} : ${quote(term)}`;
}
