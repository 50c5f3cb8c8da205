import { normalizeExtension } from '../languages.ts';
import type { IndexSettings } from '../store/index-store.ts';
import type { IndexOptions } from './index-runs.ts';

/*
 * What callers outside the index writer need to know of runs. Kept apart from
 * index-runs.ts so that a process that never writes (a follower) does not load
 * the writer to read them (see index-writer.ts).
 */

/** Past this many changed files, a refresh becomes an incremental run of the codebase (a size/mtime pass). */
export const BULK_REFRESH_FILES = 2000;

/** A run's settings: the request's, else those the codebase was last indexed with, else the defaults. */
export function mergeSettings(previous: IndexSettings | undefined, options: IndexOptions): IndexSettings {
  return {
    splitter: options.splitter ?? previous?.splitter ?? 'ast',
    customExtensions: (options.customExtensions ?? previous?.customExtensions ?? []).map(normalizeExtension),
    ignorePatterns: [...(options.ignorePatterns ?? previous?.ignorePatterns ?? [])],
  };
}
