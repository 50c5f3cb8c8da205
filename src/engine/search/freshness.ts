// node:fs/promises is reached through fs.promises, on the first search: loading it (and Node's readline, which it
// requires) at start would cost every idle server about 1.5 MB.
import fs, { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineIndex } from '../chunk/lines.ts';
import { UserError } from '../errors.ts';
import type { FileStamp, FileStamps } from '../store/file-stamps.ts';
import { remoteFileSystem } from '../watch/file-systems.ts';

/** What the check needs of a result: where its lines came from. */
export interface LocatedResult {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
}

export interface CheckedResponse<R extends LocatedResult> {
  readonly root: string;
  /** Results whose files are as indexed, or re-indexed just now; `stale` ones were checked line by line (see below). */
  readonly results: (R & { stale?: true })[];
  /** Results left out: their file was deleted, or changed where they were, and is being re-indexed. */
  readonly leftOut: number;
}

export interface FreshnessOptions {
  /**
   * Re-indexes files of a codebase: the leader's own engine, or a request
   * forwarded to the leader. Absent for a reader that cannot ask (the CLI).
   */
  readonly refresh?: ((root: string, files: string[]) => Promise<unknown>) | undefined;
  /** How long a search may wait for that re-index before it answers without it. */
  readonly budgetMs: number;
  readonly maxFileBytes: number;
}

/** More changed files than this in one answer are not re-indexed inline (a branch switch is under way: the watch handles it). */
const MAX_INLINE_REFRESH = 20;
export const DEFAULT_REFRESH_BUDGET_MS = 250;
export const REFRESH_BUDGET_ENV = 'BATON_SEARCH_REFRESH_BUDGET_MS';

/** The search-time re-index budget from the environment (0: never wait, answer with what can be checked). */
export function refreshBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REFRESH_BUDGET_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_REFRESH_BUDGET_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new UserError(`${REFRESH_BUDGET_ENV} must be a whole number of milliseconds (0 or more), got "${raw}".`);
  return value;
}

type Drift = 'deleted' | 'changed';

/**
 * "Never answer from a stale file": before results go out, the files they
 * come from are stat'ed and compared with what the index recorded (size and
 * mtime). A file that changed is re-indexed and the search run again, within
 * a latency budget. Past the budget (or with nobody to re-index), a deleted
 * file's results are dropped, and a changed file's results are kept — marked
 * `stale` — only where the file still holds exactly those lines at those line
 * numbers; the re-index goes on in the background.
 */
export class FreshnessCheck {
  private readonly stamps: FileStamps;
  private readonly options: FreshnessOptions;
  /** Codebases known to be on a local disk: there the result files are stat'ed synchronously (see driftOf). */
  private readonly local = new Map<string, Promise<boolean>>();

  constructor(stamps: FileStamps, options: FreshnessOptions) {
    this.stamps = stamps;
    this.options = options;
  }

  async search<S extends { root: string; results: LocatedResult[] }>(run: () => Promise<S>): Promise<Omit<S, 'results'> & CheckedResponse<S['results'][number]>> {
    const first = await run();
    const drift = await this.driftOf(first.root, first.results);
    if (drift.size === 0) return { ...first, leftOut: 0 };
    const files = [...drift.keys()];
    const refreshed = await this.refreshWithinBudget(first.root, files);
    if (!refreshed) return { ...first, ...(await this.keepVerified(first.root, first.results, drift)) };
    // Re-indexed in time: search again, and check once more (no second refresh).
    const second = await run();
    const left = await this.driftOf(second.root, second.results);
    if (left.size === 0) return { ...second, leftOut: 0 };
    return { ...second, ...(await this.keepVerified(second.root, second.results, left)) };
  }

  /** The result files whose disk state differs from the index: deleted, or changed in size or mtime. */
  private async driftOf(root: string, results: readonly LocatedResult[]): Promise<Map<string, Drift>> {
    const files = [...new Set(results.map((result) => result.file))];
    const drift = new Map<string, Drift>();
    if (files.length === 0) return drift;
    const recorded = this.stamps.of(root, files);
    // On a local disk a few dozen stats take microseconds; through the thread pool they wait behind whatever
    // else it reads (an indexing run's files): measured 3.9 ms at p95 on a busy machine. A remote file system may
    // hang a stat, so there they stay asynchronous.
    const states = (await this.isLocal(root))
      ? files.map((file) => diskStateNow(path.join(root, file), recorded.get(file)))
      : await Promise.all(files.map((file) => diskState(path.join(root, file), recorded.get(file))));
    files.forEach((file, index) => {
      const state = states[index];
      if (state) drift.set(file, state);
    });
    return drift;
  }

  private isLocal(root: string): Promise<boolean> {
    let known = this.local.get(root);
    if (!known) {
      known = remoteFileSystem(root).then((remote) => remote === undefined && process.platform === 'linux');
      this.local.set(root, known);
    }
    return known;
  }

  /** True when the files were re-indexed before the budget ran out; otherwise the re-index carries on by itself. */
  private async refreshWithinBudget(root: string, files: string[]): Promise<boolean> {
    const refresh = this.options.refresh;
    if (!refresh) return false;
    const running = refresh(root, files).then(
      () => true,
      () => false, // no leader reachable, or the folder went away: answer from what can be checked
    );
    if (files.length > MAX_INLINE_REFRESH || this.options.budgetMs <= 0) return false;
    const timeout = new AbortController();
    try {
      return await Promise.race([running, sleep(this.options.budgetMs, false, { signal: timeout.signal })]);
    } finally {
      timeout.abort();
    }
  }

  /** Drops what cannot be vouched for: results of deleted files, and results whose lines moved or changed. */
  private async keepVerified<R extends LocatedResult>(root: string, results: readonly R[], drift: ReadonlyMap<string, Drift>): Promise<CheckedResponse<R>> {
    const texts = new Map<string, Promise<LineIndex | undefined>>();
    for (const [file, state] of drift) if (state === 'changed') texts.set(file, this.currentLines(path.join(root, file)));
    const kept: (R & { stale?: true })[] = [];
    let leftOut = 0;
    for (const result of results) {
      const state = drift.get(result.file);
      if (!state) {
        kept.push(result);
        continue;
      }
      const lines = state === 'changed' ? await texts.get(result.file) : undefined;
      if (lines && holdsSameLines(lines, result)) kept.push({ ...result, stale: true });
      else leftOut++;
    }
    return { root, results: kept, leftOut };
  }

  private async currentLines(absolute: string): Promise<LineIndex | undefined> {
    try {
      const info = await fs.promises.stat(absolute);
      // Not a regular file (a FIFO would block the read), or too large to index: nothing to vouch for.
      if (!info.isFile() || info.size > this.options.maxFileBytes) return undefined;
      return new LineIndex(await fs.promises.readFile(absolute, 'utf8'));
    } catch {
      return undefined;
    }
  }
}

async function diskState(absolute: string, recorded: FileStamp | undefined): Promise<Drift | undefined> {
  try {
    const info = await fs.promises.stat(absolute);
    if (!info.isFile()) return 'deleted';
    if (!recorded || info.size !== recorded.size || info.mtimeMs !== recorded.mtimeMs) return 'changed';
    return undefined;
  } catch {
    return 'deleted';
  }
}

function diskStateNow(absolute: string, recorded: FileStamp | undefined): Drift | undefined {
  try {
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (!info?.isFile()) return 'deleted';
    if (!recorded || info.size !== recorded.size || info.mtimeMs !== recorded.mtimeMs) return 'changed';
    return undefined;
  } catch {
    return 'deleted';
  }
}

/** Whether the file still holds the result's text at the result's line numbers. */
function holdsSameLines(lines: LineIndex, result: LocatedResult): boolean {
  if (result.startLine < 1 || result.endLine > lines.lineCount || result.endLine < result.startLine) return false;
  const current = lines.slice(result.startLine - 1, result.endLine - 1);
  // A piece of one very long line is a part of that line, not all of it.
  return current === result.content || (result.startLine === result.endLine && current.includes(result.content));
}
