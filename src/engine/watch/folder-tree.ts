import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { languageOf } from '../languages.ts';
import { IGNORE_FILE_NAMES, type IgnoreChain } from '../scan/ignore-rules.ts';
import { rootChain, withIgnoreFiles } from '../scan/scanner.ts';

/** What decides which folders and files belong to a codebase: the scan's own rules. */
export interface TreeRules {
  readonly ignorePatterns: readonly string[];
  readonly customExtensions: ReadonlySet<string>;
  readonly maxFileBytes: number;
  /** Absolute folders never entered (BATON_HOME, when it lies inside a codebase). */
  readonly skipFolders: ReadonlySet<string>;
  /**
   * How the walk reads the disk. `sliced`: synchronous calls in slices of at
   * most SLICE_MS, yielding between them — on a busy machine the thread-pool
   * round trip of an asynchronous stat costs several times the stat itself.
   * `async`: for remote file systems, where one synchronous call could hang
   * the event loop.
   */
  readonly io?: 'sliced' | 'async';
}

export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

export interface FolderHandle {
  close(): void;
}

/** Starts watching one folder (or does nothing when one watch covers the whole tree). May throw WatchLimitError. */
export type WatchFolder = (relative: string, absolute: string) => FolderHandle | undefined;

/** The longest a sliced walk holds the event loop before it yields. */
const SLICE_MS = 4;

/** A folder being walked: its entries in walk order, and how far the walk is. */
interface Frame {
  readonly relative: string;
  readonly absolute: string;
  readonly chain: IgnoreChain;
  readonly entries: Dirent[];
  /** Asynchronous walks stat a folder's files together, ahead of visiting them. */
  readonly stamps?: ReadonlyMap<string, FileStamp | undefined>;
  next: number;
}

interface Folder {
  /** The ignore rules in force in this folder (its own ignore files included). */
  readonly chain: IgnoreChain;
  /** Its inode: a folder replaced by another of the same name is a new folder. */
  readonly inode: number;
  readonly handle: FolderHandle | undefined;
}

/**
 * The folders of one codebase that a scan would enter — ignored folders
 * (node_modules, .git, build output, .gitignore'd ones) are never part of it —
 * each with its ignore rules and, on Linux, its own watch. Walking a folder
 * watches it before reading it, so a file created meanwhile is either read or
 * reported by the watch; the walk also reports every indexable file with its
 * size and mtime, which is all a catch-up pass needs.
 */
export class FolderTree {
  readonly root: string;
  private readonly rules: TreeRules;
  private readonly watchFolder: WatchFolder;
  /** The rules at the root (built-in excludes, git's excludes, the request's patterns), read when the root is first walked. */
  private rootRules: IgnoreChain | undefined;
  private readonly folders = new Map<string, Folder>();

  constructor(root: string, rules: TreeRules, watchFolder: WatchFolder) {
    this.root = root;
    this.rules = rules;
    this.watchFolder = watchFolder;
  }

  /** Folders in the tree. */
  get size(): number {
    return this.folders.size;
  }

  has(relative: string): boolean {
    return this.folders.has(relative);
  }

  inodeOf(relative: string): number | undefined {
    return this.folders.get(relative)?.inode;
  }

  /**
   * Adds the folder `relative` ('' for the root) and everything under it that
   * a scan would enter, watching each folder before reading it. `onFile` gets
   * each indexable file — in path order (see `walkOrder`), so a caller can
   * compare the walk with the index's files as it goes — with its size and
   * mtime unless `withStamps` is false (the watch itself needs only names).
   * Throws what `watchFolder` throws (a watch limit); folders that vanish
   * meanwhile are skipped.
   */
  async add(relative: string, onFile: (file: string, stamp: FileStamp | undefined) => void, signal?: AbortSignal, withStamps = true): Promise<void> {
    if (relative === '') this.rootRules = await rootChain(this.root, this.rules.ignorePatterns);
    const parentChain = relative === '' ? this.rootRules : this.folders.get(parentOf(relative))?.chain;
    if (!parentChain) return;
    const sliced = this.rules.io !== 'async';
    const first = await this.openFolder(relative, parentChain, withStamps);
    if (!first) return;
    const stack: Frame[] = [first];
    let sliceStart = performance.now();
    while (stack.length > 0) {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      signal?.throwIfAborted();
      const frame = stack.at(-1)!;
      const entry = frame.entries[frame.next++];
      if (!entry) {
        stack.pop();
        continue;
      }
      if (entry.isSymbolicLink()) continue;
      const child = joinRelative(frame.relative, entry.name);
      if (entry.isDirectory()) {
        if (frame.chain.ignores(`${child}/`)) continue;
        const folder = await this.openFolder(child, frame.chain, withStamps);
        if (folder) stack.push(folder);
      } else if (entry.isFile() && languageOf(child, this.rules.customExtensions) && !frame.chain.ignores(child)) {
        if (!withStamps) {
          onFile(child, undefined);
          continue;
        }
        const stamp = frame.stamps ? frame.stamps.get(entry.name) : sliced ? statNow(path.join(frame.absolute, entry.name), this.rules.maxFileBytes) : undefined;
        if (stamp) onFile(child, stamp);
      }
    }
  }

  /** Watches a folder, reads it and records it with its rules; undefined when it is skipped, gone or unreadable. */
  private async openFolder(relative: string, parentChain: IgnoreChain, withStamps: boolean): Promise<Frame | undefined> {
    const absolute = this.absolute(relative);
    if (this.rules.skipFolders.has(absolute)) return undefined;
    this.folders.get(relative)?.handle?.close();
    this.folders.delete(relative);
    const handle = this.watchFolder(relative, absolute);
    let entries: Dirent[];
    let inode: number;
    try {
      if (this.rules.io === 'async') {
        const [listed, info] = await Promise.all([readdir(absolute, { withFileTypes: true }), lstat(absolute)]);
        entries = listed;
        inode = info.ino;
      } else {
        inode = lstatSync(absolute).ino;
        entries = readdirSync(absolute, { withFileTypes: true });
      }
    } catch {
      handle?.close();
      return undefined;
    }
    const chain = entries.some((entry) => (IGNORE_FILE_NAMES as readonly string[]).includes(entry.name))
      ? await withIgnoreFiles(parentChain, absolute, relative, entries)
      : parentChain;
    this.folders.set(relative, { chain, inode, handle });
    entries.sort(walkOrder);
    const stamps = this.rules.io === 'async' && withStamps ? await this.statFiles(absolute, entries) : undefined;
    return { relative, absolute, chain, entries, next: 0, ...(stamps ? { stamps } : {}) };
  }

  /** The stamps of a folder's files, all asked at once (asynchronous walks, where each call is a round trip). */
  private async statFiles(absolute: string, entries: readonly Dirent[]): Promise<Map<string, FileStamp | undefined>> {
    const files = entries.filter((entry) => entry.isFile());
    const infos = await Promise.all(files.map((entry) => stat(path.join(absolute, entry.name)).catch(() => undefined)));
    return new Map(files.map((entry, index) => [entry.name, stampOf(infos[index], this.rules.maxFileBytes)]));
  }

  /** Drops a folder and everything under it from the tree, closing their watches. */
  remove(relative: string): void {
    const prefix = relative === '' ? '' : `${relative}/`;
    for (const [folder, entry] of this.folders) {
      if (folder === relative || folder.startsWith(prefix)) {
        entry.handle?.close();
        this.folders.delete(folder);
      }
    }
  }

  clear(): void {
    this.remove('');
  }

  /** Whether a file at this root-relative path would be indexed, judged by its folder's rules (its folder must be in the tree). */
  isCandidateFile(relative: string): boolean {
    const folder = this.folders.get(parentOf(relative));
    return folder !== undefined && languageOf(relative, this.rules.customExtensions) !== undefined && !folder.chain.ignores(relative);
  }

  /** Whether a folder at this path would be entered by a scan (its parent must be in the tree). */
  mayHoldFolder(relative: string): boolean {
    if (relative === '') return true;
    const parent = this.folders.get(parentOf(relative));
    return parent !== undefined && !parent.chain.ignores(`${relative}/`) && !this.rules.skipFolders.has(this.absolute(relative));
  }

  absolute(relative: string): string {
    return relative === '' ? this.root : path.join(this.root, ...relative.split('/'));
  }
}

/**
 * The order in which a depth-first walk meets files in the index's path
 * order: by name, a folder's name counting with its "/" ("a.b/x" comes before
 * "a/x", as the bytes of the paths say). JavaScript compares UTF-16 units
 * where SQLite compares UTF-8 bytes; they disagree only between characters
 * past U+FFFF and U+E000–U+FFFF, and a disagreement costs one needless
 * refresh, never a missed change.
 */
export function walkOrder(a: Dirent, b: Dirent): number {
  const left = a.isDirectory() ? `${a.name}/` : a.name;
  const right = b.isDirectory() ? `${b.name}/` : b.name;
  return left < right ? -1 : left > right ? 1 : 0;
}

function statNow(absolute: string, maxFileBytes: number): FileStamp | undefined {
  try {
    return stampOf(statSync(absolute, { throwIfNoEntry: false }), maxFileBytes);
  } catch {
    return undefined; // unreadable: the scan skips it too
  }
}

/** A regular file within the size cap has a stamp; anything else is not indexed. */
function stampOf(info: { isFile(): boolean; size: number; mtimeMs: number } | undefined, maxFileBytes: number): FileStamp | undefined {
  return info?.isFile() && info.size <= maxFileBytes ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

export function joinRelative(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

export function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash === -1 ? '' : relative.slice(0, slash);
}
