import type { FileStamps } from '../store/file-stamps.ts';
import { FolderTree, type FileStamp, type TreeRules } from './folder-tree.ts';

export type CatchUpResult =
  | { readonly kind: 'done'; readonly changed: string[]; readonly files: number; readonly ms: number }
  | { readonly kind: 'root-gone' };

/** Stamps read from the index at a time. */
const PAGE = 1000;

/**
 * Compares a walk of the disk with the index as the walk goes: both come in
 * path order (FolderTree walks so), the index's files a page at a time, so
 * neither every file nor every stamp is held (27,000 stamps in a map cost
 * the leader ~15 MB it would not give back). The files to re-index are new
 * files, files whose size or mtime changed (the test an incremental run
 * makes), and indexed files the walk did not meet.
 */
export class IndexMerge {
  private readonly stamps: FileStamps;
  private readonly root: string;
  private readonly differing: string[] = [];
  private page: { path: string; size: number; mtimeMs: number }[] = [];
  private at = 0;
  private exhausted = false;
  private last = '';
  files = 0;

  constructor(stamps: FileStamps, root: string) {
    this.stamps = stamps;
    this.root = root;
  }

  /** The walk met `file` on disk with this stamp. */
  see(file: string, stamp: FileStamp): void {
    this.files++;
    for (let stored = this.peek(); stored && stored.path < file; stored = this.peek()) {
      this.differing.push(stored.path); // indexed, but not on disk (before this point of the walk)
      this.at++;
    }
    const stored = this.peek();
    if (stored?.path === file) {
      if (stored.size !== stamp.size || stored.mtimeMs !== stamp.mtimeMs) this.differing.push(file);
      this.at++;
    } else {
      this.differing.push(file); // on disk, not indexed
    }
  }

  /** Once the walk is done: everything to re-index. */
  finish(): string[] {
    for (let stored = this.peek(); stored; stored = this.peek()) {
      this.differing.push(stored.path);
      this.at++;
    }
    return this.differing;
  }

  private peek(): { path: string; size: number; mtimeMs: number } | undefined {
    if (this.at >= this.page.length && !this.exhausted) {
      this.page = this.stamps.pageAfter(this.root, this.last, PAGE);
      this.at = 0;
      this.exhausted = this.page.length < PAGE;
      if (this.page.length > 0) this.last = this.page[this.page.length - 1]!.path;
    }
    return this.page[this.at];
  }
}

/**
 * One catch-up pass without watches (a poll, or after an indexing run): walks
 * the tree with the scan's rules and returns the files that differ from the index.
 */
export async function catchUpPass(stamps: FileStamps, root: string, rules: TreeRules, signal: AbortSignal): Promise<CatchUpResult> {
  const started = performance.now();
  const merge = new IndexMerge(stamps, root);
  const tree = new FolderTree(root, rules, () => undefined);
  await tree.add('', (file, stamp) => stamp && merge.see(file, stamp), signal);
  if (!tree.has('')) return { kind: 'root-gone' };
  return { kind: 'done', changed: merge.finish(), files: merge.files, ms: performance.now() - started };
}
