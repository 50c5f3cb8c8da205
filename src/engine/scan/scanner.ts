import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { languageOf, type LanguageInfo } from '../languages.ts';
import { readSmallText } from './bounded-read.ts';
import { BUILTIN_EXCLUDES } from './builtin-excludes.ts';
import { tallyExclusion, type Exclusions } from './exclusions.ts';
import { gitExcludeRules } from './git-excludes.ts';
import { IGNORE_FILE_NAMES, IgnoreChain } from './ignore-rules.ts';

export interface ScanOptions {
  readonly ignorePatterns: readonly string[];
  /** Extensions (".ext") indexed in addition to the known languages. */
  readonly customExtensions: ReadonlySet<string>;
  readonly maxFileBytes: number;
  /** Stop collecting (but keep counting) past this many files. */
  readonly maxFiles: number;
  /** Stop counting past this many files (default: COUNT_CAP_FACTOR times maxFiles). */
  readonly countCap?: number;
  readonly signal?: AbortSignal;
}

export interface ScannedFile {
  /** Root-relative, "/"-separated. */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly language: LanguageInfo;
}

export interface ScanSkips {
  ignored: number;
  unsupported: number;
  tooLarge: number;
  symlinks: number;
  unreadable: number;
}

export interface ScanResult {
  /** The files to index, sorted by path. Incomplete when `overLimit`. */
  readonly files: ScannedFile[];
  /** How many indexable files the tree has (counted past the limit, up to a cap). */
  readonly indexableCount: number;
  readonly overLimit: boolean;
  /** Indexable files per top-level folder ("" for files at the root), to tell a user what to exclude. */
  readonly countsByTopFolder: Map<string, number>;
  readonly skips: ScanSkips;
  /** What the ignore rules left out, by the source of the deciding rule. */
  readonly exclusions: Exclusions;
}

/** Ignore files larger than this are not read (no real one comes near). */
const MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024;

const VCS_FOLDERS = new Set(['.git', '.hg', '.svn', '.jj']);

/** Past the limit the scan only counts, and gives up counting at this multiple of it. */
export const COUNT_CAP_FACTOR = 20;

/**
 * File-system calls of a scan in flight at once. The scan is bound by the
 * round trips of its readdir and stat calls through libuv's thread pool, so
 * that many loops take work from one stack; the bound keeps that pool's
 * queue short for the other calls that go through it (the leader seat's
 * refresh among them). Measured 2026-12-01 on the mixed corpus (12,604 files
 * in 2,366 folders): one folder at a time 785–908 ms; with the calls bounded
 * across folders, 8 at once 572–591 ms, 32 468–512, 128 523–578; as 32 loops
 * over one stack, 426–609 ms.
 */
const FS_CALLS_AT_ONCE = 32;

/**
 * Walks a codebase: every folder's .gitignore/.batonignore, git's own
 * excludes (.git/info/exclude, core.excludesFile), the built-in excludes and
 * the request's patterns apply; symbolic links are not followed
 * (as ripgrep and git do), so a link that loops or leaves the root is
 * neither a hang nor an escape; files over the size cap are left out.
 */
export async function scanCodebase(root: string, options: ScanOptions): Promise<ScanResult> {
  const walk = new TreeWalk(root, options, await rootChain(root, options.ignorePatterns));
  await walk.run();
  return walk.result();
}

/** A folder to read (root-relative, '' for the root) with the rules in force there, or a file to stat. */
type WalkItem = { readonly folder: string; readonly chain: IgnoreChain } | { readonly file: Candidate };

interface Candidate {
  readonly relativePath: string;
  readonly language: LanguageInfo;
}

/**
 * One scan's walk: FS_CALLS_AT_ONCE loops take folders to read and files to
 * stat from one stack (last in, first out: depth first, so what waits is
 * the walk's frontier, not a whole level of the tree), and what they find is
 * tallied here. Each item checks the stop signal and the count cap first.
 */
class TreeWalk {
  private readonly root: string;
  private readonly options: ScanOptions;
  private readonly countCap: number;
  private readonly stack: WalkItem[];
  /** Loops waiting for the stack to grow or for the walk to end. */
  private readonly waiting: (() => void)[] = [];
  private working = 0;
  private readonly files: ScannedFile[] = [];
  private readonly skips: ScanSkips = { ignored: 0, unsupported: 0, tooLarge: 0, symlinks: 0, unreadable: 0 };
  private readonly countsByTopFolder = new Map<string, number>();
  private readonly exclusions: Exclusions = {};
  private indexableCount = 0;

  constructor(root: string, options: ScanOptions, rootRules: IgnoreChain) {
    this.root = root;
    this.options = options;
    this.countCap = options.countCap ?? options.maxFiles * COUNT_CAP_FACTOR;
    this.stack = [{ folder: '', chain: rootRules }];
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: FS_CALLS_AT_ONCE }, () => this.loop()));
  }

  result(): ScanResult {
    const { files, indexableCount, countsByTopFolder, skips, exclusions } = this;
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, indexableCount, overLimit: indexableCount > this.options.maxFiles, countsByTopFolder, skips, exclusions };
  }

  /** Takes items until the stack is empty and no other loop can add to it. */
  private async loop(): Promise<void> {
    for (;;) {
      const item = this.stack.pop();
      if (!item) {
        if (this.working === 0) return this.wake();
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      this.working++;
      try {
        this.options.signal?.throwIfAborted();
        if ('folder' in item) await this.readFolder(item.folder, item.chain);
        else await this.statFile(item.file);
      } finally {
        this.working--;
        this.wake();
      }
    }
  }

  /** Wakes a waiting loop for each stacked item, or all of them once the walk is over. */
  private wake(): void {
    const count = this.stack.length > 0 ? this.stack.length : this.working === 0 ? this.waiting.length : 0;
    for (const wake of this.waiting.splice(0, count)) wake();
  }

  private async readFolder(relative: string, parentChain: IgnoreChain): Promise<void> {
    // Past the cap the scan stops counting: the folders still stacked are not read.
    if (this.indexableCount > this.countCap) return;
    const absolute = relative === '' ? this.root : path.join(this.root, relative);
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      this.skips.unreadable++;
      return;
    }
    const chain = await withIgnoreFiles(parentChain, absolute, relative, entries);
    const { candidates, folders } = this.sort(entries, relative, chain);
    this.count(candidates);
    for (const folder of folders) this.stack.push({ folder, chain });
    // Past the limit the scan only counts: no stat.
    if (this.indexableCount <= this.options.maxFiles) for (const file of candidates) this.stack.push({ file });
  }

  private async statFile(file: Candidate): Promise<void> {
    const absolutePath = path.join(this.root, file.relativePath);
    const info = await stat(absolutePath).catch(() => undefined);
    if (!info) this.skips.unreadable++;
    else if (info.size > this.options.maxFileBytes) this.skips.tooLarge++;
    else this.files.push({ path: file.relativePath, absolutePath, size: info.size, mtimeMs: info.mtimeMs, language: file.language });
  }

  /** A folder's entries: indexable files and folders to enter; the rest is tallied as skipped. */
  private sort(entries: Dirent[], relative: string, chain: IgnoreChain): { candidates: Candidate[]; folders: string[] } {
    const candidates: Candidate[] = [];
    const folders: string[] = [];
    for (const entry of entries) {
      const relativePath = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        this.skips.symlinks++;
      } else if (entry.isDirectory()) {
        const source = chain.excludedBy(`${relativePath}/`);
        if (!source) folders.push(relativePath);
        else {
          this.skips.ignored++;
          // Version-control internals are never indexed and never news: not worth a line in the status.
          if (!VCS_FOLDERS.has(entry.name)) tallyExclusion(this.exclusions, source, `${relativePath}/`);
        }
      } else if (entry.isFile()) {
        const language = languageOf(relativePath, this.options.customExtensions);
        const source = language && chain.excludedBy(relativePath);
        if (!language) this.skips.unsupported++;
        else if (!source) candidates.push({ relativePath, language });
        else {
          this.skips.ignored++;
          tallyExclusion(this.exclusions, source, relativePath);
        }
      }
    }
    return { candidates, folders };
  }

  private count(candidates: readonly Candidate[]): void {
    for (const { relativePath } of candidates) {
      this.indexableCount++;
      const top = relativePath.includes('/') ? relativePath.slice(0, relativePath.indexOf('/')) : '';
      this.countsByTopFolder.set(top, (this.countsByTopFolder.get(top) ?? 0) + 1);
    }
  }
}

/**
 * The rules in force at the codebase root, lowest precedence first: the
 * built-in excludes, git's global and repository excludes, the request's
 * patterns. Folders' own ignore files come after (and win) as the scan goes down.
 */
export async function rootChain(root: string, ignorePatterns: readonly string[]): Promise<IgnoreChain> {
  return IgnoreChain.root([
    { source: 'built-in', patterns: BUILTIN_EXCLUDES },
    ...(await gitExcludeRules(root)),
    { source: 'ignorePatterns', patterns: ignorePatterns },
  ]);
}

export async function withIgnoreFiles(chain: IgnoreChain, absolute: string, relative: string, entries: Dirent[]): Promise<IgnoreChain> {
  let result = chain;
  for (const name of IGNORE_FILE_NAMES) {
    if (!entries.some((entry) => entry.name === name && entry.isFile())) continue;
    // An unreadable ignore file (or a FIFO by that name) excludes nothing; the scan goes on.
    const text = await readSmallText(path.join(absolute, name), MAX_IGNORE_FILE_BYTES);
    if (text !== undefined) result = result.with(relative, text, name);
  }
  return result;
}

/**
 * Whether one root-relative file would be indexed by a scan with these
 * patterns: the same built-in excludes, git excludes, request patterns and
 * ignore files of every ancestor folder. Used when an editor reports a single
 * changed file.
 */
export async function isIndexablePath(root: string, relativePath: string, options: Pick<ScanOptions, 'ignorePatterns' | 'customExtensions'>): Promise<LanguageInfo | undefined> {
  const language = languageOf(relativePath, options.customExtensions);
  if (!language) return undefined;
  let chain = await rootChain(root, options.ignorePatterns);
  const parts = relativePath.split('/');
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = parts.slice(0, depth).join('/');
    for (const name of IGNORE_FILE_NAMES) {
      const text = await readSmallText(path.join(root, folder, name), MAX_IGNORE_FILE_BYTES);
      if (text !== undefined) chain = chain.with(folder, text, name);
    }
    const isLast = depth === parts.length - 1;
    const candidate = isLast ? relativePath : `${parts.slice(0, depth + 1).join('/')}/`;
    if (chain.ignores(candidate)) return undefined;
  }
  return language;
}
