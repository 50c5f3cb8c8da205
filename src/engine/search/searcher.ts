import type { FileRole } from '../../protocol/roles.ts';
import { resolveScope } from '../codebase-lookup.ts';
import type { Embedder } from '../embed/embedder.ts';
import { UserError } from '../errors.ts';
import { absolutePath } from '../paths.ts';
import { percentOf } from '../progress.ts';
import type { ChunkCandidate, CodebaseRecord, IndexStore } from '../store/index-store.ts';
import type { CandidateFilter } from '../store/chunk-search.ts';
import { mergeLeftOut, pageVerdict, prunePlan, type PrunePlan } from './bm25-bound.ts';
import { diversify, pieceContent, type RankedPiece } from './diversify.ts';
import { enclosingSymbols } from '../symbols/enclosing.ts';
import type { SymbolKind } from '../symbols/symbol.ts';
import { ExtensionTokens } from './extension-tokens.ts';
import { combinedTermsExpression, termsExpression, type TermColumns } from './fts-query.ts';
import { fuseWithVectors } from './hybrid.ts';
import { analyzeQuery } from './query-analysis.ts';
import { checkedExtensions, checkQueryLength } from './search-input.ts';
import { DEFAULT_RANKING_CONFIG, type RankingConfig } from './ranking-config.ts';
import { rolePrior } from './role-prior.ts';
import { applyRolePrior, lexicalRelevance, rankFiles } from './scoring.ts';
import { TermRarity } from './term-rarity.ts';
import { VectorIndex } from './vector-index.ts';
import { fileCoverage } from './term-coverage.ts';

export interface SearchOptions {
  readonly limit: number;
  readonly extensionFilter?: readonly string[] | undefined;
  /** Only files (and chunks) of these roles; all of them, source first, when absent or empty. */
  readonly roles?: readonly FileRole[] | undefined;
}

export interface SearchResult {
  /** Path relative to the codebase root, "/"-separated. */
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  readonly role: FileRole;
  readonly score: number;
  readonly content: string;
  /** The definition the chunk is about or part of, when its file has symbols. */
  readonly symbol?: { readonly name: string; readonly kind: SymbolKind };
}

export interface SearchResponse {
  readonly root: string;
  /** Set when the request named a folder inside the codebase: results are limited to it. */
  readonly subfolder?: string;
  readonly mode: 'lexical' | 'hybrid';
  readonly codebaseStatus: CodebaseRecord['status'];
  readonly percent: number;
  readonly results: SearchResult[];
}

/**
 * Answers searches from the shared database. Reads only, so every process
 * (leader or follower) searches directly. A search takes the best bm25
 * matches over code-aware terms (fused with vector similarity when an
 * embedder is configured), re-ranks them — names the chunk defines, the
 * file's name, the file's role — scores each file by its best chunk and a
 * share of its others, and answers one place per result, many files per page.
 */
export class Searcher {
  private readonly store: IndexStore;
  private readonly embedder: Embedder | undefined;
  private readonly ranking: RankingConfig;
  private readonly vectors = new VectorIndex();
  private readonly termRarity: TermRarity;
  private readonly extensionTokens = new ExtensionTokens();

  constructor(store: IndexStore, embedder: Embedder | undefined, ranking: RankingConfig = DEFAULT_RANKING_CONFIG) {
    this.store = store;
    this.embedder = embedder;
    this.ranking = ranking;
    this.termRarity = new TermRarity(ranking.commonShare, ranking.commonMinimum, (term, codebase) => this.columnsOf([term], codebase));
  }

  /** Frees the in-memory table of extension tokens. */
  close(): void {
    this.extensionTokens.close();
  }

  /** Where these terms may be looked for: in any column when none can match the extension column (see extension-tokens.ts). */
  private columnsOf(terms: readonly string[], codebase: CodebaseRecord): TermColumns {
    const custom = codebase.settings.customExtensions;
    return terms.some((term) => this.extensionTokens.mayMatch(term, custom)) ? 'searched' : 'any';
  }

  /** Drops the cached vectors of a codebase (it changed, or was cleared). */
  forget(codebaseId: number): void {
    this.vectors.forget(codebaseId);
  }

  async search(input: string, query: string, options: SearchOptions): Promise<SearchResponse> {
    const resolved = resolveScope(this.store, input);
    if (!resolved) {
      throw new UserError(`${absolutePath(input)} is not indexed. Index it first with index_codebase, then search again.`);
    }
    const { codebase, subfolder } = resolved;
    if (!this.store.search.hasTable(codebase.id)) {
      throw new UserError(`${codebase.root} has no search index yet; index it with index_codebase.`);
    }
    checkQueryLength(query);
    const extensions = checkedExtensions(options.extensionFilter ?? []);
    const roles = [...new Set(options.roles ?? [])];
    const filter = { pathPrefix: subfolder ? `${subfolder}/` : undefined, roles };
    const { ranking } = this;
    const analyzed = analyzeQuery(query, ranking.joinedTerms);
    const selected = this.termRarity.select(this.store, codebase, analyzed.terms);
    const searched = { terms: this.termsWithMatches(codebase, selected.terms), rare: selected.rare };
    const matchColumns = this.columnsOf(searched.terms, codebase);
    const match = termsExpression(searched.terms, extensions, matchColumns);
    const unfiltered = extensions.length === 0 && !filter.pathPrefix && roles.length === 0;
    const lexical = match ? this.lexicalCandidates(codebase, { expression: match, columns: matchColumns }, searched, unfiltered, filter) : [];
    let candidates: ChunkCandidate[] = lexical;
    let relevance = lexicalRelevance(lexical, analyzed, ranking.weights);
    let mode: SearchResponse['mode'] = 'lexical';
    if (this.embedder) {
      const byRelevance = [...lexical].sort((a, b) => relevance.get(b.chunkId)! - relevance.get(a.chunkId)!);
      const fused = await fuseWithVectors(this.store, this.vectors, this.embedder, codebase, query, byRelevance, { ...filter, extensions });
      if (fused) {
        ({ candidates, relevance } = fused);
        mode = 'hybrid';
      }
    }
    if (!match && mode === 'lexical') {
      const shown = query.length > 80 ? `${query.slice(0, 80)}…` : query;
      throw new UserError(`the query "${shown}" has no words to search for. Use identifiers or words that appear in the code.`);
    }
    const scored = applyRolePrior(candidates, relevance, rolePrior(analyzed.askedRoles, roles, ranking.priors));
    const coverage = ranking.weights.coverage > 0 && selected.rare ? this.coverageOf(codebase, selected.terms, analyzed.words, candidates) : undefined;
    const pieces = diversify(rankFiles(scored, ranking.weights, coverage), ranking.diversity).slice(0, options.limit);
    const symbols = enclosingSymbols(this.store, pieces);
    return {
      root: codebase.root,
      ...(subfolder ? { subfolder } : {}),
      mode,
      codebaseStatus: codebase.status,
      percent: percentOf(codebase),
      results: this.withContent(pieces).map((result, index) => (symbols[index] ? { ...result, symbol: symbols[index] } : result)),
    };
  }

  /**
   * The terms that match some chunk, when the rarity check counted them (else
   * all of them): a term no chunk holds adds no chunk to the matches and
   * nothing to any chunk's bm25 (a sum over the terms), but FTS5 still looks
   * for it in every chunk it scores (the joined word pairs of a question
   * mostly match nothing: 9 % of the questions' ranking time on the bench
   * corpus). A count of 0 is checked against the index as it is now.
   */
  private termsWithMatches(codebase: CodebaseRecord, terms: readonly string[]): readonly string[] {
    const live = terms.filter((term) => this.termRarity.countedMatches(codebase, term) !== 0 || this.termRarity.currentMatches(this.store, codebase, term) !== 0);
    return live.length > 0 ? live : terms;
  }

  /**
   * The best bm25 matches. A query of only rare terms (the counts are known)
   * and no filter is first ranked without the chunks that match only its one
   * or two most common terms; when that page provably is the whole ranking's,
   * or becomes it with the best chunks of those terms ranked apart (see
   * bm25-bound.ts), it is the answer, else the whole ranking is.
   */
  private lexicalCandidates(
    codebase: CodebaseRecord,
    match: { expression: string; columns: TermColumns },
    selected: { terms: readonly string[]; rare: boolean },
    unfiltered: boolean,
    filter: CandidateFilter,
  ): ChunkCandidate[] {
    const { candidateDepth: depth, columns: weights } = this.ranking;
    const whole = (): ChunkCandidate[] => this.store.search.candidates(codebase.id, match.expression, depth, weights, filter);
    const plan = unfiltered && selected.rare ? prunePlan(selected.terms, (term) => this.termRarity.countedMatches(codebase, term), codebase.chunkCount, depth) : undefined;
    if (!plan) return whole();
    // The counts, the page and the chunks holding both must all come from the index as one writer left it.
    return this.store.search.oneSnapshot(() => this.prunedRanking(codebase.id, match, plan) ?? whole());
  }

  /** The whole ranking's page by `plan` (see bm25-bound.ts), or undefined when it cannot be proved to be. */
  private prunedRanking(codebaseId: number, match: { expression: string; columns: TermColumns }, plan: PrunePlan): ChunkCandidate[] | undefined {
    const { candidateDepth: depth, columns: weights } = this.ranking;
    // The codebase's version as of this snapshot says whether a cached count is still current.
    const codebase = this.store.codebases.byId(codebaseId);
    const ftsRows = this.store.search.ftsRowCount(codebaseId);
    if (!codebase || ftsRows === undefined) return undefined;
    const leftOutMatches = plan.leftOut.map((term) => this.termRarity.currentMatches(this.store, codebase, term));
    if (!leftOutMatches.every((matches) => matches !== undefined)) return undefined;
    const within = termsExpression(plan.rest, [], this.columnsOf(plan.rest, codebase))!;
    const page = this.store.search.candidatesWithin(codebaseId, match.expression, within, depth, weights);
    const verdict = pageVerdict(leftOutMatches, Math.max(ftsRows, codebase.chunkCount), page, depth);
    if (verdict === 'whole' || verdict === 'useless') return verdict === 'whole' ? page : undefined;
    const leftOut = combinedTermsExpression(plan.leftOut, verdict === 'withAll' ? 'AND' : 'OR', match.columns)!;
    return mergeLeftOut(page, this.store.search.candidates(codebaseId, leftOut, depth, weights), depth);
  }

  /** File coverage (see term-coverage.ts) over the query's words that chose the candidates. */
  private coverageOf(codebase: CodebaseRecord, selected: readonly string[], words: ReadonlySet<string>, candidates: readonly ChunkCandidate[]): Map<number, number> | undefined {
    const counted = selected.filter((term) => words.has(term));
    if (counted.length < 2) return undefined;
    const maxMatches = this.ranking.coverageMaxMatches;
    // A word already counted past the limit would be read only to be left out (its list costs about a millisecond).
    const readable = counted.filter((term) => (this.termRarity.countedMatches(codebase, term) ?? 0) <= maxMatches);
    return fileCoverage(this.store, codebase.id, readable, candidates, maxMatches, (word) => this.columnsOf([word], codebase));
  }

  private withContent(pieces: readonly RankedPiece[]): SearchResult[] {
    const contents = this.store.search.contents(pieces.flatMap((piece) => piece.chunks.map((chunk) => chunk.chunkId)));
    return pieces.map((piece) => {
      const first = piece.chunks[0]!;
      return {
        file: piece.path,
        startLine: piece.startLine,
        endLine: piece.endLine,
        language: first.language,
        role: first.role,
        score: Math.round(piece.score * 10_000) / 10_000,
        content: pieceContent(piece, contents),
      };
    });
  }
}
