import type { FileStamp } from './folder-tree.ts';

/** What the index recorded per root-relative file. */
export type StoredStamps = ReadonlyMap<string, FileStamp>;

/**
 * The files to re-index so that the index matches what is on disk: new
 * files, files whose size or mtime differ from the index (the same test an
 * incremental run makes), and indexed files that are no longer there.
 */
export function changedSince(onDisk: ReadonlyMap<string, FileStamp>, stored: StoredStamps): string[] {
  const changed: string[] = [];
  for (const [file, stamp] of onDisk) {
    const recorded = stored.get(file);
    if (!recorded || recorded.size !== stamp.size || recorded.mtimeMs !== stamp.mtimeMs) changed.push(file);
  }
  for (const file of stored.keys()) if (!onDisk.has(file)) changed.push(file);
  return changed;
}
