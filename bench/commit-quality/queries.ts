import { createHash } from 'node:crypto';
import { classifyPath } from './roles.ts';
import { cleanSubject, queryKind, rejectSubject, type QueryKind, type SubjectRejection } from './subjects.ts';

/** One commit of `git log --no-merges --no-renames --name-status`. */
export interface LoggedCommit {
  readonly sha: string;
  readonly subject: string;
  /** Status letter (A, M, D, T) and path of each file the commit changed. */
  readonly changes: readonly { readonly status: string; readonly path: string }[];
}

export type Split = 'tuning' | 'heldout';

export interface CommitQuery {
  /** "owner/name@sha10". */
  readonly id: string;
  readonly repo: string;
  readonly language: string;
  readonly sha: string;
  /** The commit subject as written. */
  readonly subject: string;
  /** What the systems are asked: the cleaned subject. */
  readonly query: string;
  readonly kind: QueryKind;
  readonly split: Split;
  /** The source files the commit changed: any one of them is a hit. */
  readonly expected: readonly string[];
}

export type CommitRejection =
  | SubjectRejection
  | 'pin'
  | 'duplicate-subject'
  | 'no-source-file'
  | 'too-many-source-files'
  | 'deletes-source-file'
  | 'missing-at-pin'
  | 'not-indexed';

export interface DerivationStats {
  /** Commits read (newest first) until enough queries were found or history ended. */
  commitsRead: number;
  readonly rejected: Partial<Record<CommitRejection, number>>;
}

export interface DerivationContext {
  readonly repo: string;
  readonly language: string;
  readonly pin: string;
  /** Whether the path exists in the pinned tree. */
  readonly existsAtPin: (path: string) => boolean;
  /** Whether Baton indexes the path in the pinned tree (scanned and read as text). */
  readonly indexed: (path: string) => boolean;
  readonly maxSourceFiles: number;
}

/** Held out — never tune on these: a deterministic third of the commits, by a hash of the sha. */
export function splitOf(sha: string): Split {
  const digest = createHash('sha256').update(`baton-quality-holdout:${sha.toLowerCase()}`).digest();
  return digest[0]! % 3 === 0 ? 'heldout' : 'tuning';
}

/**
 * Whether a commit makes a query, and with which answer files. The answer is
 * the commit's source files (by the path classifier: not tests, docs,
 * changelogs, config, generated files or examples), 1 to `maxSourceFiles` of
 * them, every one still at the same path in the pinned tree and indexed there;
 * a commit that deletes a source file is not used (its answer is gone).
 */
export function judgeCommit(commit: LoggedCommit, context: DerivationContext): { query: CommitQuery } | { rejection: CommitRejection } {
  if (commit.sha === context.pin) return { rejection: 'pin' };
  const subjectRejection = rejectSubject(commit.subject);
  if (subjectRejection) return { rejection: subjectRejection };
  const sources = commit.changes.filter((change) => classifyPath(change.path) === 'source');
  const paths = [...new Set(sources.map((change) => change.path))];
  if (paths.length === 0) return { rejection: 'no-source-file' };
  if (paths.length > context.maxSourceFiles) return { rejection: 'too-many-source-files' };
  if (sources.some((change) => change.status === 'D')) return { rejection: 'deletes-source-file' };
  if (!paths.every(context.existsAtPin)) return { rejection: 'missing-at-pin' };
  if (!paths.every(context.indexed)) return { rejection: 'not-indexed' };
  const query = cleanSubject(commit.subject);
  return {
    query: {
      id: `${context.repo}@${commit.sha.slice(0, 10)}`,
      repo: context.repo,
      language: context.language,
      sha: commit.sha,
      subject: commit.subject,
      query,
      kind: queryKind(query),
      split: splitOf(commit.sha),
      expected: paths.sort(),
    },
  };
}

/**
 * The queries of one repository: its newest `cap` qualifying commits, read
 * newest first. A subject already used by a newer commit of the repository is
 * skipped (one answer set per query text).
 */
export async function deriveQueries(
  commits: AsyncIterable<LoggedCommit> | Iterable<LoggedCommit>,
  context: DerivationContext,
  cap: number,
): Promise<{ queries: CommitQuery[]; stats: DerivationStats }> {
  const queries: CommitQuery[] = [];
  const stats: DerivationStats = { commitsRead: 0, rejected: {} };
  const seen = new Set<string>();
  const reject = (reason: CommitRejection): void => {
    stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
  };
  for await (const commit of commits) {
    if (queries.length >= cap) break;
    stats.commitsRead++;
    const verdict = judgeCommit(commit, context);
    if ('rejection' in verdict) {
      reject(verdict.rejection);
      continue;
    }
    const key = verdict.query.query.toLowerCase();
    if (seen.has(key)) {
      reject('duplicate-subject');
      continue;
    }
    seen.add(key);
    queries.push(verdict.query);
  }
  return { queries, stats };
}

/** The marker that starts each commit in the log format below. */
export const COMMIT_MARK = '\x1e';
/** `git log` arguments (after the revision) whose output `LogParser` reads. */
export const LOG_FORMAT = [`--format=${COMMIT_MARK}%H%x1f%s`, '--no-merges', '--no-renames', '--name-status'];

/** Reads `git log` output in the LOG_FORMAT line by line. */
export class LogParser {
  private current: { sha: string; subject: string; changes: { status: string; path: string }[] } | undefined;

  /** Feeds one line; returns the previous commit when this line starts a new one. */
  push(line: string): LoggedCommit | undefined {
    if (line.startsWith(COMMIT_MARK)) {
      const finished = this.current;
      const [sha = '', subject = ''] = line.slice(1).split('\x1f');
      this.current = { sha, subject, changes: [] };
      return finished;
    }
    const tab = line.indexOf('\t');
    if (this.current && tab > 0) this.current.changes.push({ status: line.slice(0, 1), path: unquotePath(line.slice(tab + 1)) });
    return undefined;
  }

  /** The last commit, at the end of the output. */
  end(): LoggedCommit | undefined {
    const finished = this.current;
    this.current = undefined;
    return finished;
  }
}

/** Git quotes a path with unusual characters in C style ("a\tb"); with core.quotePath=false UTF-8 stays as it is. */
function unquotePath(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path;
  }
}
