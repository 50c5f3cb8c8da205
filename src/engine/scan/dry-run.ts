import { EXCLUSION_SOURCES, type ExclusionSource } from './exclusions.ts';
import { COUNT_CAP_FACTOR, scanCodebase, type ScannedFile } from './scanner.ts';

/**
 * The rate a first index is estimated at: the benchmark's full lexical index
 * of 27,198 real JavaScript/TypeScript files (165.9 MB) ran at 3.83 MB/s on a
 * shared 2-core machine (docs/benchmarks.md, `npm run bench`). Embeddings
 * (hybrid search) come on top and depend on the provider.
 */
export const INDEX_RATE_BYTES_PER_SECOND = 3.8e6;
export const INDEX_RATE_SOURCE = 'the benchmark\'s full lexical index rate on 2 cores, docs/benchmarks.md';

const LARGEST_FOLDERS = 8;

export interface DryRunOptions {
  readonly ignorePatterns: readonly string[];
  readonly customExtensions: ReadonlySet<string>;
  readonly maxFileBytes: number;
  /** The file limit a real index enforces. */
  readonly maxFiles: number;
}

export interface SizeCount {
  readonly files: number;
  readonly bytes: number;
}

/** What an index of a folder would take in, found by the same scan an index runs, without reading a file or writing anything. */
export interface DryRunReport {
  readonly root: string;
  /** Files that would be indexed (before binary and minified files are found, which takes reading them). */
  readonly files: number;
  readonly bytes: number;
  /** More files than the limit: an index would be refused. */
  readonly overLimit: boolean;
  readonly maxFiles: number;
  /** The scan stopped counting at `countCap` files: the figures are for that many. */
  readonly capped: boolean;
  readonly countCap: number;
  readonly languages: ({ readonly language: string } & SizeCount)[];
  /** Folders (one and two levels deep) with the most files to index. */
  readonly largestFolders: ({ readonly folder: string } & SizeCount)[];
  readonly excluded: { readonly source: ExclusionSource; readonly folders: number; readonly files: number; readonly examples: string[] }[];
  readonly skipped: { readonly tooLarge: number; readonly symlinks: number; readonly unsupported: number; readonly unreadable: number };
  readonly maxFileBytes: number;
  readonly estimatedSeconds: number;
  readonly rateBytesPerSecond: number;
  readonly rateSource: string;
}

/**
 * Scans `root` as an index would and reports what it found. It collects (and
 * stats) past the file limit, up to COUNT_CAP_FACTOR times it, so that a
 * folder that would be refused still shows where its files are.
 */
export async function dryRunScan(root: string, options: DryRunOptions): Promise<DryRunReport> {
  const countCap = options.maxFiles * COUNT_CAP_FACTOR;
  const scan = await scanCodebase(root, {
    ignorePatterns: options.ignorePatterns,
    customExtensions: options.customExtensions,
    maxFileBytes: options.maxFileBytes,
    maxFiles: countCap,
    countCap,
  });
  const bytes = scan.files.reduce((sum, file) => sum + file.size, 0);
  return {
    root,
    files: scan.files.length,
    bytes,
    overLimit: scan.indexableCount > options.maxFiles,
    maxFiles: options.maxFiles,
    capped: scan.indexableCount > countCap,
    countCap,
    languages: sorted(groupBy(scan.files, (file) => [file.language.id])).map(([language, size]) => ({ language, ...size })),
    largestFolders: sorted(groupBy(scan.files, foldersOf)).slice(0, LARGEST_FOLDERS).map(([folder, size]) => ({ folder, ...size })),
    excluded: EXCLUSION_SOURCES.flatMap((source) => {
      const count = scan.exclusions[source];
      return count ? [{ source, folders: count.folders, files: count.files, examples: [...count.examples].sort() }] : [];
    }),
    skipped: { tooLarge: scan.skips.tooLarge, symlinks: scan.skips.symlinks, unsupported: scan.skips.unsupported, unreadable: scan.skips.unreadable },
    maxFileBytes: options.maxFileBytes,
    estimatedSeconds: Math.ceil(bytes / INDEX_RATE_BYTES_PER_SECOND),
    rateBytesPerSecond: INDEX_RATE_BYTES_PER_SECOND,
    rateSource: INDEX_RATE_SOURCE,
  };
}

/** The folders a file counts towards: its first- and second-level folders ("src/", "src/lib/"). */
function foldersOf(file: ScannedFile): string[] {
  const parts = file.path.split('/').slice(0, -1);
  const folders: string[] = [];
  if (parts[0] !== undefined) folders.push(`${parts[0]}/`);
  if (parts[1] !== undefined) folders.push(`${parts[0]}/${parts[1]}/`);
  return folders;
}

function groupBy(files: readonly ScannedFile[], keys: (file: ScannedFile) => string[]): Map<string, { files: number; bytes: number }> {
  const groups = new Map<string, { files: number; bytes: number }>();
  for (const file of files) {
    for (const key of keys(file)) {
      const group = groups.get(key) ?? { files: 0, bytes: 0 };
      group.files++;
      group.bytes += file.size;
      groups.set(key, group);
    }
  }
  return groups;
}

/** Most files first, then most bytes, then by name (stable output). */
function sorted(groups: Map<string, { files: number; bytes: number }>): [string, { files: number; bytes: number }][] {
  return [...groups.entries()].sort((a, b) => b[1].files - a[1].files || b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1));
}
