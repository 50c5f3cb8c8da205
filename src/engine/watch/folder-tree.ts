import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { languageOf } from '../languages.ts';
import { BUILTIN_EXCLUDES } from '../scan/builtin-excludes.ts';
import { IgnoreChain } from '../scan/ignore-rules.ts';
import { withIgnoreFiles } from '../scan/scanner.ts';

/** What decides which folders and files belong to a codebase: the scan's own rules. */
export interface TreeRules {
  readonly ignorePatterns: readonly string[];
  readonly customExtensions: ReadonlySet<string>;
  readonly maxFileBytes: number;
  /** Absolute folders never entered (BATON_HOME, when it lies inside a codebase). */
  readonly skipFolders: ReadonlySet<string>;
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
  private readonly rootChain: IgnoreChain;
  private readonly folders = new Map<string, Folder>();

  constructor(root: string, rules: TreeRules, watchFolder: WatchFolder) {
    this.root = root;
    this.rules = rules;
    this.watchFolder = watchFolder;
    this.rootChain = IgnoreChain.root([...BUILTIN_EXCLUDES, ...rules.ignorePatterns]);
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
   * a scan would enter. `onFile` gets each indexable file. Throws what
   * `watchFolder` throws (a watch limit); folders that vanish meanwhile are skipped.
   */
  async add(relative: string, onFile: (file: string, stamp: FileStamp) => void, signal?: AbortSignal): Promise<void> {
    const parentChain = relative === '' ? this.rootChain : this.folders.get(parentOf(relative))?.chain;
    if (!parentChain) return;
    const pending: { relative: string; chain: IgnoreChain }[] = [{ relative, chain: parentChain }];
    while (pending.length > 0) {
      signal?.throwIfAborted();
      const next = pending.pop()!;
      const absolute = this.absolute(next.relative);
      if (this.rules.skipFolders.has(absolute)) continue;
      this.folders.get(next.relative)?.handle?.close();
      this.folders.delete(next.relative);
      const handle = this.watchFolder(next.relative, absolute);
      let entries: Dirent[];
      let inode: number;
      try {
        const [listed, info] = await Promise.all([readdir(absolute, { withFileTypes: true }), lstat(absolute)]);
        entries = listed;
        inode = info.ino;
      } catch {
        handle?.close();
        continue;
      }
      const chain = await withIgnoreFiles(next.chain, absolute, next.relative, entries);
      this.folders.set(next.relative, { chain, inode, handle });
      const candidates: string[] = [];
      for (const entry of entries) {
        const child = joinRelative(next.relative, entry.name);
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
          if (!chain.ignores(`${child}/`)) pending.push({ relative: child, chain });
        } else if (entry.isFile() && languageOf(child, this.rules.customExtensions) && !chain.ignores(child)) {
          candidates.push(child);
        }
      }
      const stamps = await Promise.all(candidates.map((file) => stat(this.absolute(file)).catch(() => undefined)));
      candidates.forEach((file, index) => {
        const info = stamps[index];
        if (info?.isFile() && info.size <= this.rules.maxFileBytes) onFile(file, { size: info.size, mtimeMs: info.mtimeMs });
      });
    }
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

export function joinRelative(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

export function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash === -1 ? '' : relative.slice(0, slash);
}
