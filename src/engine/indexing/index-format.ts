import type { IndexSettings, StoredFile } from '../store/records.ts';

/**
 * The version of everything Baton derives from a file's content: chunk
 * boundaries, the terms of each chunk (tokenizer), and what else is stored
 * per file. Each file row records the version and the settings it was
 * produced with (zoekt's "index state"): a file whose record no longer
 * matches is re-chunked by the next run, even though its size and mtime did
 * not change, and a leader re-indexes such codebases when it takes the seat.
 *
 * Bump it with any change that makes an old index differ from a fresh one
 * (chunker, tokenizer, stored fields). Never lower it. History:
 * - 1: the first release.
 * - 2: each file's role (and a chunk's own, for Rust test modules) is stored.
 * - 3: each file's symbols (definitions and references) are stored.
 * - 4: C files are parsed with the C grammar instead of the C++ one.
 */
export const INDEX_FORMAT_VERSION = 4;

/** The settings that shape chunks, as recorded per file. */
export function formatOptions(settings: IndexSettings): string {
  return `splitter=${settings.splitter}`;
}

export interface IndexFormat {
  readonly version: number;
  readonly options: string;
}

export function currentFormat(settings: IndexSettings): IndexFormat {
  return { version: INDEX_FORMAT_VERSION, options: formatOptions(settings) };
}

/**
 * Whether a stored file was produced the way this Baton would produce it now.
 * A file written by a newer Baton counts as current: during an update, an
 * older leader must not rewrite (downgrade) what a newer one wrote.
 */
export function isCurrentFormat(stored: Pick<StoredFile, 'formatVersion' | 'formatOptions'>, format: IndexFormat): boolean {
  return stored.formatVersion >= format.version && stored.formatOptions === format.options;
}
