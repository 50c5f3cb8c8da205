/**
 * The search bench's top-10 lists, kept between runs: a change meant to make
 * search faster must give the same answers (issue 10), so each run compares
 * its lists with the previous run's and says how many are the same, then
 * keeps its own for the next (in .bench/, with the commit they came from).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface SavedLists {
  readonly commit: string;
  readonly lists: Record<string, string[]>;
}

/** One result as the comparison sees it: file and lines. */
export function resultKey(result: { file: string; startLine: number; endLine: number }): string {
  return `${result.file}:${result.startLine}-${result.endLine}`;
}

function currentCommit(folder: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: folder, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: folder, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
}

/** Compares `lists` with the last run's (when there was one), saves them, and describes the comparison. */
export function compareWithLastRun(file: string, lists: ReadonlyMap<string, string[]>): string {
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedLists) : undefined;
  const commit = currentCommit(path.dirname(file));
  writeFileSync(file, `${JSON.stringify({ commit, lists: Object.fromEntries(lists) } satisfies SavedLists, null, 1)}\n`);
  if (!previous) return `no earlier run to compare with (this run's lists are kept in ${file})`;
  const changed = [...lists].filter(([query, list]) => JSON.stringify(previous.lists[query] ?? []) !== JSON.stringify(list)).map(([query]) => query);
  const same = lists.size - changed.length;
  const detail = changed.length > 0 ? `; changed: ${changed.map((query) => `"${query}"`).join(', ')}` : '';
  return `${same} of ${lists.size} the same as the previous run's (commit ${previous.commit}; this run: ${commit})${detail}`;
}
