import { groupBy, metricsOf, shareOf, type Metrics } from './metrics.ts';
import type { CommitQuery, Split } from './queries.ts';
import type { AskedRole } from './subjects.ts';
import { median, percent } from '../stats.ts';

export type SystemId = 'baton' | 'bm25' | 'grep';

export const SYSTEMS: readonly { readonly id: SystemId; readonly label: string }[] = [
  { id: 'baton', label: 'Baton' },
  { id: 'bm25', label: 'BM25 (file)' },
  { id: 'grep', label: 'grep-style' },
];

export const SPLITS: readonly { readonly id: Split; readonly label: string }[] = [
  { id: 'tuning', label: 'tuning' },
  { id: 'heldout', label: 'held out — never tune on these' },
];

/** Roles whose rate as the first file is reported (for queries that do not name them). */
export const FIRST_FILE_ROLES = ['test', 'docs', 'changelog'] as const satisfies readonly AskedRole[];

export interface SystemAnswer {
  /** Rank of the first expected file among the distinct files (undefined: not returned). */
  readonly rank: number | undefined;
  /** The top files, with their roles. */
  readonly top: readonly { readonly file: string; readonly role: string }[];
}

export interface QueryRow extends CommitQuery {
  readonly asks: readonly AskedRole[];
  readonly baton: SystemAnswer & { readonly chunks: number; readonly distinctFilesTop10: number; readonly ms: number };
  readonly bm25: SystemAnswer;
  readonly grep: SystemAnswer;
}

export interface SplitSummary {
  readonly queries: number;
  readonly overall: Record<SystemId, Metrics>;
  readonly byLanguage: Record<string, Record<SystemId, Metrics>>;
  readonly byKind: Record<string, Record<SystemId, Metrics>>;
  /** Per system: how often the first file is a test / docs / changelog when the query does not name one. */
  readonly firstFileRoles: Record<SystemId, Record<(typeof FIRST_FILE_ROLES)[number] | 'any', { readonly eligible: number; readonly rate: number }>>;
  readonly batonMedianDistinctFilesTop10: number;
  /** Per query, Baton against each baseline by reciprocal rank within the top 10: how often it is better, worse, the same. */
  readonly batonVs: Record<'bm25' | 'grep', { readonly better: number; readonly worse: number; readonly same: number }>;
}

function reciprocalRankAt10(rank: number | undefined): number {
  return rank !== undefined && rank <= 10 ? 1 / rank : 0;
}

function batonAgainst(rows: readonly QueryRow[], baseline: 'bm25' | 'grep'): SplitSummary['batonVs']['bm25'] {
  const result = { better: 0, worse: 0, same: 0 };
  for (const row of rows) {
    const difference = reciprocalRankAt10(row.baton.rank) - reciprocalRankAt10(row[baseline].rank);
    if (difference > 0) result.better++;
    else if (difference < 0) result.worse++;
    else result.same++;
  }
  return result;
}

function bySystem(rows: readonly QueryRow[]): Record<SystemId, Metrics> {
  return { baton: metricsOf(rows.map((row) => row.baton.rank)), bm25: metricsOf(rows.map((row) => row.bm25.rank)), grep: metricsOf(rows.map((row) => row.grep.rank)) };
}

function firstFileRoles(rows: readonly QueryRow[], system: SystemId): SplitSummary['firstFileRoles'][SystemId] {
  const first = (row: QueryRow): string | undefined => row[system].top[0]?.role;
  const entry = (eligible: readonly QueryRow[], test: (row: QueryRow) => boolean) => ({ eligible: eligible.length, rate: shareOf(eligible, test) });
  const named = (role: AskedRole) => rows.filter((row) => !row.asks.includes(role));
  const noneAsked = rows.filter((row) => !FIRST_FILE_ROLES.some((role) => row.asks.includes(role)));
  return {
    test: entry(named('test'), (row) => first(row) === 'test'),
    docs: entry(named('docs'), (row) => first(row) === 'docs'),
    changelog: entry(named('changelog'), (row) => first(row) === 'changelog'),
    any: entry(noneAsked, (row) => (FIRST_FILE_ROLES as readonly string[]).includes(first(row) ?? '')),
  };
}

export function summarise(rows: readonly QueryRow[], languageOrder: readonly string[]): SplitSummary {
  const mapOf = (groups: Map<string, QueryRow[]>) => Object.fromEntries([...groups].map(([name, group]) => [name, bySystem(group)]));
  return {
    queries: rows.length,
    overall: bySystem(rows),
    byLanguage: mapOf(groupBy(rows, (row) => row.language, languageOrder)),
    byKind: mapOf(groupBy(rows, (row) => row.kind, ['identifier', 'prose'])),
    firstFileRoles: { baton: firstFileRoles(rows, 'baton'), bm25: firstFileRoles(rows, 'bm25'), grep: firstFileRoles(rows, 'grep') },
    batonMedianDistinctFilesTop10: median(rows.map((row) => row.baton.distinctFilesTop10)),
    batonVs: { bm25: batonAgainst(rows, 'bm25'), grep: batonAgainst(rows, 'grep') },
  };
}

// ── text tables ────────────────────────────────────────────────────────────

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function ratio(value: number): string {
  return Number.isNaN(value) ? '—' : percent(value, 0);
}

function mrr(value: number): string {
  return Number.isNaN(value) ? '—' : value.toFixed(3);
}

/** The headline table: each system's R@1, R@5 and MRR@10 on the tuning and held-out sets. */
export function headlineTable(summaries: Record<Split, SplitSummary>): string[] {
  const lines: string[] = [];
  const cell = (metrics: Metrics) => `${pad(ratio(metrics.recallAt1), 6, true)} ${pad(ratio(metrics.recallAt5), 6, true)} ${pad(mrr(metrics.mrrAt10), 7, true)}`;
  lines.push(`  ${pad('', 13)} ${pad(`tuning (n=${summaries.tuning.queries})`, 21)} │ held out (n=${summaries.heldout.queries}) — never tune on these`);
  lines.push(`  ${pad('system', 13)} ${pad('R@1', 6, true)} ${pad('R@5', 6, true)} ${pad('MRR@10', 7, true)} │ ${pad('R@1', 6, true)} ${pad('R@5', 6, true)} ${pad('MRR@10', 7, true)}`);
  for (const system of SYSTEMS) {
    lines.push(`  ${pad(system.label, 13)} ${cell(summaries.tuning.overall[system.id])} │ ${cell(summaries.heldout.overall[system.id])}`);
  }
  for (const baseline of SYSTEMS.filter((system) => system.id !== 'baton')) {
    const versus = (split: SplitSummary) => {
      const { better, worse, same } = split.batonVs[baseline.id as 'bm25' | 'grep'];
      return `${better} better, ${worse} worse, ${same} same`;
    };
    lines.push(`  Baton vs ${baseline.label}, per query (reciprocal rank in the top 10): tuning ${versus(summaries.tuning)}; held out ${versus(summaries.heldout)}`);
  }
  return lines;
}

/** R@5 and MRR@10 of each system per group (language or kind), tuning and held out side by side. */
export function groupTable(title: string, summaries: Record<Split, SplitSummary>, pick: (summary: SplitSummary) => Record<string, Record<SystemId, Metrics>>, labels: Record<string, string> = {}): string[] {
  const names = [...new Set([...Object.keys(pick(summaries.tuning)), ...Object.keys(pick(summaries.heldout))])];
  const width = Math.max(title.length, ...names.map((name) => (labels[name] ?? name).length));
  const cell = (metrics: Metrics | undefined) => (metrics ? `${pad(ratio(metrics.recallAt5), 4, true)} ${pad(mrr(metrics.mrrAt10), 5, true)}` : pad('—', 10, true));
  const half = (split: SplitSummary, name: string) => {
    const group = pick(split)[name];
    return `${pad(String(group?.baton.queries ?? 0), 3, true)}  ${SYSTEMS.map((system) => cell(group?.[system.id])).join('  ')}`;
  };
  const head = `${pad('n', 3, true)}  ${SYSTEMS.map((system) => pad(system.label, 10)).join('  ')}`;
  const lines = [
    `  ${pad('', width)}  ${pad('tuning — R@5 MRR@10', head.length)} │ held out — R@5 MRR@10`,
    `  ${pad(title, width)}  ${head} │ ${head}`,
  ];
  for (const name of names) lines.push(`  ${pad(labels[name] ?? name, width)}  ${half(summaries.tuning, name)} │ ${half(summaries.heldout, name)}`);
  return lines;
}

/** How often each system's first file is a test, docs or a changelog for a query that does not name one. */
export function firstFileTable(summaries: Record<Split, SplitSummary>): string[] {
  const lines = [`  ${pad('first file is…', 34)} ${SYSTEMS.map((system) => pad(system.label, 11, true)).join(' ')} │ ${SYSTEMS.map((system) => pad(system.label, 11, true)).join(' ')}`];
  const labels: Record<string, string> = {
    test: 'a test (query names none)',
    docs: 'docs (query names none)',
    changelog: 'a changelog (query names none)',
    any: 'any of the three (names none)',
  };
  for (const role of [...FIRST_FILE_ROLES, 'any'] as const) {
    const half = (split: SplitSummary) => SYSTEMS.map((system) => pad(ratio(split.firstFileRoles[system.id][role].rate), 11, true)).join(' ');
    lines.push(`  ${pad(labels[role]!, 34)} ${half(summaries.tuning)} │ ${half(summaries.heldout)}`);
  }
  const eligible = (split: SplitSummary) => split.firstFileRoles.baton.any.eligible;
  lines.push(`  (tuning: ${eligible(summaries.tuning)} of ${summaries.tuning.queries} queries name none of them; held out: ${eligible(summaries.heldout)} of ${summaries.heldout.queries})`);
  return lines;
}

export function rankLabel(rank: number | undefined): string {
  return rank === undefined ? '—' : `#${rank}`;
}
