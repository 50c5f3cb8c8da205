import { watch, type FSWatcher, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { FencedError, UserError, errorMessage } from '../errors.ts';
import { BULK_REFRESH_FILES } from '../indexing/run-settings.ts';
import { IGNORE_FILE_NAMES } from '../scan/ignore-rules.ts';
import type { CodebaseWatch as WatchRecord, WatchMode } from '../../protocol/watch-state.ts';
import { ChangeBatcher } from './change-batcher.ts';
import { remoteFileSystem } from './file-systems.ts';
import { FolderTree, joinRelative, type TreeRules } from './folder-tree.ts';
import { findGitDir, readHead } from './git-head.ts';
import type { CatchUpResult, IndexMerge } from './catch-up.ts';
import { perFolderBackend, recursiveBackend, WatchLimitError, type TreeWatchBackend, type WatchBudget } from './watch-backends.ts';
import type { WatchConfig } from './watch-config.ts';

/** What a watch needs of the index: read what it holds, and apply changes through the leader's write path. */
export interface WatchTarget {
  /** The indexed files under a root-relative folder ('' for all). */
  indexedUnder(root: string, folder: string): string[];
  /** A comparison with the index for a walk to feed (see IndexMerge), or undefined when the codebase is no longer indexed. */
  indexMerge(root: string): IndexMerge | undefined;
  /** One catch-up pass (see catch-up.ts), or undefined when the codebase is no longer indexed. */
  catchUp(root: string, rules: TreeRules, signal: AbortSignal): Promise<CatchUpResult | undefined>;
  /** Re-indexes these root-relative files (present, changed or gone), as an editor's events are. */
  refresh(root: string, files: string[]): Promise<void>;
  /** One incremental run with progress, started after any run already going (whose scan may predate the change). */
  reindex(root: string): Promise<void>;
  isIndexing(root: string): boolean;
}

export interface WatchLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface CodebaseWatchOptions {
  readonly root: string;
  readonly rules: TreeRules;
  readonly config: WatchConfig;
  readonly target: WatchTarget;
  readonly budget: WatchBudget;
  readonly log: WatchLog;
  /** Called when the mode changes (for the status). */
  readonly onState: () => void;
  /** macOS and Windows: one native recursive watch instead of one per folder. */
  readonly nativeRecursive: boolean;
}

/** More changed files than this in one batch become one incremental run (with progress), as for editors' refreshes. */
const BULK_FILES = BULK_REFRESH_FILES;
/** A poll pass costs at most 1/POLL_COST_FACTOR of the time between passes… */
const POLL_COST_FACTOR = 30;
/** …within these bounds. */
const POLL_MIN_MS = 5_000;
const POLL_MAX_MS = 120_000;
const STAT_CONCURRENCY = 64;

const ROOT_GONE = 'the folder was deleted or moved; polling until it is back';

/**
 * Keeps one indexed codebase fresh. Normally from change events: a FolderTree
 * of watched folders (ignore rules applied, so node_modules or build output
 * never send anything), debounced into batches that go through the same
 * refresh path as an editor's events; a change of git HEAD, new ignore rules
 * or more than BULK_FILES files at once become one incremental run. At start
 * it catches up on what changed while nobody watched (the walk that sets the
 * watches also collects every file's size and mtime). When events cannot be
 * had — watch limits, the folder deleted or moved, a remote file system — it
 * polls instead (or as well), with passes that cost at most ~3 % of the time.
 */
export class CodebaseWatch {
  readonly root: string;
  private readonly options: CodebaseWatchOptions;
  private readonly batcher: ChangeBatcher;
  private readonly abort = new AbortController();
  private mode: WatchMode = 'starting';
  private reason: string | undefined;
  private since = Date.now();
  private tree: FolderTree | undefined;
  private backend: TreeWatchBackend | undefined;
  private gitWatcher: FSWatcher | undefined;
  private gitDir: string | undefined;
  private head = '';
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private lastPassMs = 0;
  private passes = 0;
  /** Synchronous slices on local disks; asynchronous calls where a stat may hang (remote file systems). */
  private io: 'sliced' | 'async' = 'sliced';
  private readonly pending = new Set<string>();
  private rulesChanged = false;
  private headTouched = false;
  private rescan = false;
  private catchUpAfterRun = false;
  private stopped = false;
  private readonly warned = new Set<string>();

  constructor(options: CodebaseWatchOptions) {
    this.root = options.root;
    this.options = options;
    this.batcher = new ChangeBatcher({ settleMs: options.config.settleMs, maxDelayMs: options.config.maxDelayMs, apply: () => this.guard(this.applyBatch()) });
  }

  start(): void {
    void this.guard(this.begin());
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.batcher.close();
    clearTimeout(this.pollTimer);
    this.dropEvents();
  }

  /** A run on this codebase ended: if the watch began during it, catch up on what the run's scan could not see. */
  runEnded(): void {
    if (!this.catchUpAfterRun) return;
    // The final progress report comes just before the run lets go of the codebase.
    setImmediate(() => {
      if (!this.catchUpAfterRun || this.stopped || this.options.target.isIndexing(this.root)) return; // another run: after that one
      this.catchUpAfterRun = false;
      void this.guard(this.catchUpFromDisk('after the indexing run'));
    });
  }

  record(): WatchRecord {
    return {
      root: this.root,
      mode: this.mode,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.polling ? { pollMs: this.pollInterval() } : {}),
      ...(this.tree && !this.options.nativeRecursive ? { folders: this.tree.size } : {}),
      since: this.since,
    };
  }

  // ── starting ─────────────────────────────────────────────────────────────

  private async begin(): Promise<void> {
    if (this.options.config.mode === 'poll') return this.startPolling('watching is set to poll (BATON_WATCH=poll)', true);
    const remote = await remoteFileSystem(this.root);
    this.io = remote ? 'async' : 'sliced';
    await this.startEvents();
    if (remote && this.mode === 'watching') this.startPolling(`it is on a ${remote} file system, where changes made on other machines send no events`, false);
  }

  /** Watches every folder, catching up on changes made while nobody watched in the same walk. */
  private async startEvents(): Promise<void> {
    const started = Date.now();
    // While a run indexes the codebase its stamps are not final: compare once the run is done.
    const indexing = this.options.target.isIndexing(this.root);
    const merge = indexing ? undefined : this.options.target.indexMerge(this.root);
    const onEvent = (folder: string, name: string | undefined): void => this.onEvent(folder, name);
    const backend = this.options.nativeRecursive
      ? recursiveBackend(this.root, onEvent, (reason) => this.startPolling(reason, true))
      : perFolderBackend(onEvent, this.options.budget);
    const tree = new FolderTree(this.root, this.treeRules(), backend.watchFolder);
    this.backend = backend;
    this.tree = tree;
    try {
      backend.start();
      await tree.add('', (file, stamp) => stamp && merge?.see(file, stamp), this.abort.signal, merge !== undefined);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof WatchLimitError) return this.startPolling(`${error.message}; raise fs.inotify.max_user_watches (sysctl) or exclude folders`, true);
      return this.startPolling(`the folder could not be watched (${errorMessage(error)})`, true);
    }
    if (this.stopped) return;
    if (!tree.has('')) return this.startPolling(ROOT_GONE, true);
    await this.watchGitHead();
    if (this.stopped) return;
    this.polling = false;
    this.setMode('watching');
    const folders = this.options.nativeRecursive ? 'one recursive watch' : `${tree.size} folders`;
    const took = Date.now() - started;
    this.options.log.info(`watching ${this.root} (${folders}, set up in ${took} ms)${indexing ? '; catching up after the indexing run' : ''}`);
    if (indexing) {
      this.catchUpAfterRun = true;
      return;
    }
    if (!merge) return;
    const changed = merge.finish();
    this.lastPassMs = took;
    this.options.log.info(`${this.root}: caught up in ${took} ms: ${changed.length} files changed while nobody watched`);
    await this.applyFiles(changed);
  }

  private async watchGitHead(): Promise<void> {
    this.gitDir = await findGitDir(this.root);
    if (!this.gitDir) return;
    this.head = await readHead(this.gitDir);
    try {
      // The git folder itself is ignored by the tree; this one watch sees HEAD being replaced (a checkout).
      this.gitWatcher = watch(this.gitDir, { persistent: false }, (_type, name) => {
        if (name !== 'HEAD') return;
        this.headTouched = true;
        this.batcher.touch();
      });
      this.gitWatcher.on('error', () => this.gitWatcher?.close());
    } catch {
      // Without it a checkout still becomes one run once it changes more than BULK_FILES files.
    }
  }

  // ── events ───────────────────────────────────────────────────────────────

  private onEvent(folder: string, name: string | undefined): void {
    if (this.stopped || !this.tree) return;
    if (name === undefined) {
      this.rescan = true;
    } else {
      // Only folders of the tree matter: an event below an ignored folder (recursive watches deliver those) is dropped,
      // and a new folder's contents are found by walking it when its own creation is handled.
      if (!this.tree.has(folder)) return;
      this.pending.add(joinRelative(folder, name));
      if ((IGNORE_FILE_NAMES as readonly string[]).includes(name)) this.rulesChanged = true;
      // Events about a watched folder itself (deleted, moved) carry its own name: check the folder as well.
      if (name === path.basename(this.tree.absolute(folder))) this.pending.add(folder);
    }
    this.batcher.touch();
  }

  private async applyBatch(): Promise<void> {
    const tree = this.tree;
    if (this.stopped || !tree) return;
    const paths = [...this.pending];
    this.pending.clear();
    const { rulesChanged, headTouched, rescan } = this;
    this.rulesChanged = this.headTouched = this.rescan = false;
    if (!(await isFolder(this.root))) return this.lostRoot();
    let reason: string | undefined;
    if (headTouched && this.gitDir) {
      const head = await readHead(this.gitDir);
      if (head && head !== this.head) reason = `git HEAD changed (${describeHead(head)})`;
      this.head = head || this.head;
    }
    if (rulesChanged) reason ??= 'its ignore rules changed';
    if (rescan) reason ??= 'the system dropped change events';
    if (rulesChanged || rescan || paths.length > BULK_FILES) {
      // Watch the tree as it now is (new rules, or too much to check path by path), then let one run sort it out.
      reason ??= `${paths.length} paths changed at once`;
      tree.clear();
      await tree.add('', () => {}, this.abort.signal);
    } else {
      const files = await this.classify(tree, paths);
      if (!reason) return this.applyFiles(files);
    }
    this.options.log.info(`${this.root}: ${reason}: one incremental run`);
    await this.options.target.reindex(this.root);
  }

  /**
   * Brings the tree in line with the changed paths and returns the files to
   * re-index: changed or new files, every file of a new folder, and the
   * indexed files of a folder that went away.
   */
  private async classify(tree: FolderTree, paths: readonly string[]): Promise<string[]> {
    const infos = await lstatAll(paths.map((relative) => tree.absolute(relative)));
    const files = new Set<string>();
    for (const [index, relative] of paths.entries()) {
      const info = infos[index];
      if (tree.has(relative)) {
        if (info?.isDirectory() && info.ino === tree.inodeOf(relative)) continue; // the same folder: nothing moved
        for (const file of this.options.target.indexedUnder(this.root, relative)) files.add(file);
        tree.remove(relative);
      }
      if (info?.isDirectory()) {
        if (tree.mayHoldFolder(relative)) await tree.add(relative, (file) => files.add(file), this.abort.signal);
      } else if (tree.isCandidateFile(relative)) {
        files.add(relative);
      }
    }
    return [...files];
  }

  private async applyFiles(files: readonly string[]): Promise<void> {
    if (files.length === 0 || this.stopped) return;
    if (files.length > BULK_FILES) {
      this.options.log.info(`${this.root}: ${files.length} files changed: one incremental run`);
      await this.options.target.reindex(this.root);
      return;
    }
    await this.options.target.refresh(this.root, [...files]);
  }

  private treeRules(): TreeRules {
    return { ...this.options.rules, io: this.io };
  }

  // ── polling ──────────────────────────────────────────────────────────────

  /**
   * Polls instead of watching (`replaceEvents`: the first pass runs at once, as
   * nothing else catches up), or as well (a remote file system, whose local
   * changes still send events). Said once per reason in the log.
   */
  private startPolling(reason: string, replaceEvents: boolean): void {
    if (this.stopped) return;
    if (replaceEvents) this.dropEvents();
    this.polling = true;
    this.reason = reason;
    this.setMode('polling', true);
    if (!this.warned.has(reason)) {
      this.warned.add(reason);
      this.options.log.warn(`${this.root}: ${reason}; checking for changes every ${Math.round(this.pollInterval() / 1000)} s ${replaceEvents ? 'instead' : 'as well'}`);
    }
    this.schedulePoll(replaceEvents ? 0 : this.pollInterval());
  }

  private schedulePoll(delay = this.pollInterval()): void {
    clearTimeout(this.pollTimer);
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => void this.guard(this.pollOnce()), delay);
    this.pollTimer.unref();
  }

  private async pollOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!(await isFolder(this.root))) {
        if (this.reason !== ROOT_GONE) this.startPolling(ROOT_GONE, true);
        return;
      }
      if (this.reason === ROOT_GONE && this.options.config.mode === 'events') {
        this.options.log.info(`${this.root} is back: watching it again`);
        this.reason = undefined;
        this.polling = false;
        await this.begin();
        return;
      }
      await this.catchUpFromDisk(this.passes++ === 0 ? 'by polling' : undefined);
    } finally {
      if (this.polling) this.schedulePoll();
    }
  }

  /** One size/mtime pass (see catch-up.ts), applying what differs from the index. `when` says what it catches up on, for the log. */
  private async catchUpFromDisk(when?: 'while nobody watched' | 'after the indexing run' | 'by polling'): Promise<void> {
    if (this.options.target.isIndexing(this.root)) return; // the run is doing it; compare once it is done
    const result = await this.options.target.catchUp(this.root, this.treeRules(), this.abort.signal);
    if (this.stopped || !result) return;
    if (result.kind === 'root-gone') return this.lostRoot();
    this.lastPassMs = result.ms;
    const took = Math.round(result.ms);
    if (when === 'while nobody watched') this.options.log.info(`${this.root}: caught up in ${took} ms: ${result.changed.length} files changed while nobody watched`);
    else if (when) this.options.log.info(`${this.root}: caught up ${when} in ${took} ms: ${result.changed.length} files changed`);
    await this.applyFiles(result.changed);
  }

  private pollInterval(): number {
    return this.options.config.pollMs ?? Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, this.lastPassMs * POLL_COST_FACTOR));
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  private lostRoot(): void {
    if (this.reason !== ROOT_GONE) this.startPolling(ROOT_GONE, true);
  }

  private dropEvents(): void {
    this.tree?.clear();
    this.backend?.close();
    this.gitWatcher?.close();
    this.tree = undefined;
    this.backend = undefined;
    this.gitWatcher = undefined;
    this.pending.clear();
  }

  private setMode(mode: WatchMode, force = false): void {
    if (mode === this.mode && !force) return;
    if (mode !== 'polling') this.reason = undefined;
    this.mode = mode;
    this.since = Date.now();
    this.options.onState();
  }

  /** Runs watch work; what goes wrong is logged (a deposed leader's fenced write is not news). */
  private async guard(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (this.stopped || error instanceof FencedError || (error as Error).name === 'AbortError') return;
      if (error instanceof WatchLimitError) return this.startPolling(`${error.message}; raise fs.inotify.max_user_watches (sysctl) or exclude folders`, true);
      const message = error instanceof UserError ? error.message : `watching failed: ${errorMessage(error)}`;
      if (!this.warned.has(message)) {
        this.warned.add(message);
        this.options.log.warn(`${this.root}: ${message}`);
      }
    }
  }
}

async function isFolder(absolute: string): Promise<boolean> {
  return (await lstat(absolute).catch(() => undefined))?.isDirectory() ?? false;
}

async function lstatAll(paths: readonly string[]): Promise<(Stats | undefined)[]> {
  const out: (Stats | undefined)[] = [];
  for (let start = 0; start < paths.length; start += STAT_CONCURRENCY) {
    out.push(...(await Promise.all(paths.slice(start, start + STAT_CONCURRENCY).map((file) => lstat(file).catch(() => undefined)))));
  }
  return out;
}

function describeHead(head: string): string {
  return head.startsWith('ref: refs/heads/') ? `now on branch ${head.slice('ref: refs/heads/'.length)}` : `now at ${head.slice(0, 12)}`;
}
