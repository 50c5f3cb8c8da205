import type { ColumnWeights } from '../store/index-store.ts';
import { DEFAULT_DIVERSITY, type DiversityRules } from './diversify.ts';
import { DEFAULT_ROLE_PRIORS, type RolePriors } from './role-prior.ts';
import { DEFAULT_RANKING, type RankingWeights } from './scoring.ts';
import { COMMON_MINIMUM, COMMON_SHARE } from './term-rarity.ts';

/**
 * Every number the ranking uses, in one place: the defaults are what Baton
 * ships; the quality benchmark passes others to measure what each part buys.
 */
export interface RankingConfig {
  /** bm25 weights of the symbols, path and body columns. */
  readonly columns: ColumnWeights;
  /** Chunks taken from the full-text index before re-ranking. */
  readonly candidateDepth: number;
  /** A query term in this share of the chunks is left out when the query has rarer ones (see term-rarity.ts). */
  readonly commonShare: number;
  /** …but only when it is also in at least this many chunks (a term costs by its matches, not its share). */
  readonly commonMinimum: number;
  /** Query words in more chunks than this do not count toward a file's coverage of the query (see term-coverage.ts). */
  readonly coverageMaxMatches: number;
  /** Whether runs of 3–4 query words are also searched joined, as identifier candidates (pairs always are). */
  readonly joinedTerms: boolean;
  readonly weights: RankingWeights;
  readonly priors: RolePriors;
  readonly diversity: DiversityRules;
}

export const DEFAULT_RANKING_CONFIG: RankingConfig = {
  columns: { symbols: 8, path: 3, body: 1 },
  candidateDepth: 200,
  commonShare: COMMON_SHARE,
  commonMinimum: COMMON_MINIMUM,
  coverageMaxMatches: 1000,
  joinedTerms: true,
  weights: DEFAULT_RANKING,
  priors: DEFAULT_ROLE_PRIORS,
  diversity: DEFAULT_DIVERSITY,
};

/** The defaults with some parts replaced (each part replaced field by field). */
export function rankingConfig(overrides: RankingOverrides = {}): RankingConfig {
  const base = DEFAULT_RANKING_CONFIG;
  return {
    columns: { ...base.columns, ...overrides.columns },
    candidateDepth: overrides.candidateDepth ?? base.candidateDepth,
    commonShare: overrides.commonShare ?? base.commonShare,
    commonMinimum: overrides.commonMinimum ?? base.commonMinimum,
    coverageMaxMatches: overrides.coverageMaxMatches ?? base.coverageMaxMatches,
    joinedTerms: overrides.joinedTerms ?? base.joinedTerms,
    weights: { ...base.weights, ...overrides.weights },
    priors: { ...base.priors, ...overrides.priors },
    diversity: { ...base.diversity, ...overrides.diversity },
  };
}

export interface RankingOverrides {
  readonly columns?: Partial<ColumnWeights>;
  readonly candidateDepth?: number;
  readonly commonShare?: number;
  readonly commonMinimum?: number;
  readonly coverageMaxMatches?: number;
  readonly joinedTerms?: boolean;
  readonly weights?: Partial<RankingWeights>;
  readonly priors?: Partial<RolePriors>;
  readonly diversity?: Partial<DiversityRules>;
}
