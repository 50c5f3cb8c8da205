/**
 * File-level scores of ranked lists. A query's rank is the 1-based position of
 * the first of its expected files among the distinct files a system returned
 * (undefined: none of them is there).
 */
export interface Metrics {
  readonly queries: number;
  /** Share of queries with an expected file first. */
  readonly recallAt1: number;
  /** Share of queries with an expected file among the top 5 files. */
  readonly recallAt5: number;
  /** Mean of 1/rank over the queries, counting 0 past rank 10. */
  readonly mrrAt10: number;
}

export function metricsOf(ranks: readonly (number | undefined)[]): Metrics {
  const n = ranks.length;
  if (n === 0) return { queries: 0, recallAt1: Number.NaN, recallAt5: Number.NaN, mrrAt10: Number.NaN };
  const within = (k: number): number => ranks.filter((rank) => rank !== undefined && rank <= k).length / n;
  const mrr = ranks.reduce<number>((sum, rank) => sum + (rank !== undefined && rank <= 10 ? 1 / rank : 0), 0) / n;
  return { queries: n, recallAt1: within(1), recallAt5: within(5), mrrAt10: mrr };
}

/** The rows grouped by a key: every group of `order` (even an empty one) in that order, then any others, sorted. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string, order: readonly string[] = []): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const name of order) groups.set(name, []);
  for (const row of rows) {
    const name = key(row);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = []));
    group.push(row);
  }
  const extra = [...groups.keys()].filter((name) => !order.includes(name)).sort();
  return new Map([...order, ...extra].map((name) => [name, groups.get(name)!]));
}

/** Share of `rows` for which `test` holds (NaN for no rows). */
export function shareOf<T>(rows: readonly T[], test: (row: T) => boolean): number {
  return rows.length === 0 ? Number.NaN : rows.filter(test).length / rows.length;
}
