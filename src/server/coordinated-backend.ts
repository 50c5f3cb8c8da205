import type { Coordinator } from '../coordination/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import { BULK_REFRESH_FILES } from '../engine/indexing/run-settings.ts';
import { indexableFolder } from '../engine/paths.ts';
import { UserError } from '../engine/errors.ts';
import { REFRESH_BATCH, requestTooLarge } from '../protocol/ipc.ts';
import { DEFAULT_REFRESH_BUDGET_MS, FreshnessCheck } from '../engine/search/freshness.ts';
import type { IndexProgress } from '../protocol/progress.ts';
import { SEARCH_LIMIT_DEFAULT, type ClearToolOutput, type DryRunOutput, type IndexToolInput, type SearchToolInput, type SearchToolOutput, type StatusToolOutput } from '../protocol/tools.ts';
import type {
  FindReferencesToolInput,
  FindReferencesToolOutput,
  FindSymbolToolInput,
  FindSymbolToolOutput,
  OutlineToolInput,
  OutlineToolOutput,
} from '../protocol/symbol-tools.ts';
import type { IndexAccepted, ToolBackend } from './backend.ts';
import { findReferencesAnswer, findSymbolAnswer, outlineAnswer } from './symbol-outputs.ts';
import { RunTracker } from './run-tracker.ts';
import { NOT_WATCHED, readWatchSummaries } from './watch-record.ts';

/**
 * The tools in a process that takes part in the election. Reads (search,
 * status, symbols) always answer from the shared database in this process. Writes
 * (index, clear, file refresh) run here when this process is the leader and
 * are forwarded to the leader otherwise — never refused for being a follower.
 */
export class CoordinatedBackend implements ToolBackend {
  private readonly engine: Engine;
  private readonly coordinator: Coordinator;
  private readonly freshness: FreshnessCheck;

  /** `refreshBudgetMs`: how long a search may wait for changed result files to be re-indexed (see FreshnessCheck). */
  constructor(engine: Engine, coordinator: Coordinator, refreshBudgetMs = DEFAULT_REFRESH_BUDGET_MS) {
    this.engine = engine;
    this.coordinator = coordinator;
    this.freshness = new FreshnessCheck(engine.store.stamps, {
      refresh: (root, files) => this.refresh(root, files),
      budgetMs: refreshBudgetMs,
      maxFileBytes: engine.config.maxFileBytes,
    });
  }

  /**
   * Starts indexing in the background, or joins the run already going on the
   * folder; `done` settles when that run ends, wherever it runs.
   */
  async index(input: IndexToolInput, onProgress: (progress: IndexProgress) => void): Promise<IndexAccepted> {
    // Checked here first, so bad paths get their clear message without a round trip.
    const root = indexableFolder(input.path);
    const params = {
      path: root,
      force: input.force,
      // Leaders before protocol 2 refuse a second run unless asked to attach; newer ones always attach.
      attach: true,
      splitter: input.splitter,
      customExtensions: input.customExtensions,
      ignorePatterns: input.ignorePatterns,
    };
    // The same limit whether this process leads or forwards: a call must not work in one window and not in another.
    const tooLarge = requestTooLarge('index', params);
    if (tooLarge) throw new UserError(tooLarge);
    const tracker = new RunTracker(this.coordinator, this.engine, root, onProgress);
    try {
      const accepted = await this.coordinator.write('index', params, async () => {
        const started = await this.engine.startIndex(root, params);
        return { root: started.root, fileCount: started.fileCount, chunkCount: started.codebase.chunkCount, attached: started.attached === true };
      });
      tracker.arm();
      const attached = accepted.attached === true;
      return {
        output: {
          path: accepted.root,
          status: 'indexing',
          fileCount: accepted.fileCount,
          percent: attached ? this.engine.status(accepted.root).percent : 0,
          chunkCount: accepted.chunkCount,
          message: attached
            ? `already being indexed: following the run in progress (${accepted.fileCount} files)`
            : `indexing ${accepted.fileCount} files in the background`,
          ...(attached ? { attached } : {}),
        },
        done: tracker.done,
      };
    } catch (error) {
      tracker.dispose();
      throw error;
    }
  }

  /** Answered here, leader or follower: a dry run scans and writes nothing, so it needs no leader. */
  async dryRun(input: IndexToolInput): Promise<DryRunOutput> {
    return this.engine.dryRun(input.path, { splitter: input.splitter, customExtensions: input.customExtensions, ignorePatterns: input.ignorePatterns });
  }

  async clear(path: string): Promise<ClearToolOutput> {
    const removed = await this.coordinator.write('clear', { path }, async () => {
      const record = await this.engine.clear(path);
      return { root: record.root, fileCount: record.fileCount, chunkCount: record.chunkCount };
    });
    return { path: removed.root, cleared: true, fileCount: removed.fileCount, chunkCount: removed.chunkCount };
  }

  /**
   * Re-indexes files an editor reported as saved, created or deleted. Many at
   * once become one incremental run; the rest go to the leader in batches
   * that stay far below the endpoint's line limit.
   */
  async refresh(path: string, files: string[]): Promise<{ changed: number; deleted: number }> {
    if (files.length > BULK_REFRESH_FILES) {
      await this.index({ path }, () => {});
      return { changed: 0, deleted: 0 };
    }
    let changed = 0;
    let deleted = 0;
    for (let start = 0; start < files.length; start += REFRESH_BATCH) {
      const batch = files.slice(start, start + REFRESH_BATCH);
      const counts = await this.coordinator.write('refresh', { path, files: batch }, () => this.engine.refreshFiles(path, batch));
      changed += counts.changed;
      deleted += counts.deleted;
    }
    return { changed, deleted };
  }

  async search(input: SearchToolInput): Promise<SearchToolOutput> {
    // Result files that changed on disk are re-indexed (here or at the leader) or vouched for line by line.
    const response = await this.freshness.search(() =>
      this.engine.search(input.path, input.query, { limit: input.limit ?? SEARCH_LIMIT_DEFAULT, extensionFilter: input.extensionFilter, roles: input.roles }),
    );
    return {
      path: response.root,
      query: input.query,
      mode: response.mode,
      indexStatus: response.codebaseStatus,
      results: response.results,
      ...(response.leftOut > 0 ? { leftOut: response.leftOut } : {}),
    };
  }

  async status(path: string): Promise<StatusToolOutput> {
    const report = this.engine.status(path);
    return {
      path: report.path,
      status: report.status,
      ...(report.root ? { root: report.root } : {}),
      percent: report.percent,
      totalFiles: report.totalFiles,
      processedFiles: report.processedFiles,
      fileCount: report.fileCount,
      chunkCount: report.chunkCount,
      message: report.message,
      ...(report.root ? { watch: readWatchSummaries(this.engine.config.home).get(report.root) ?? NOT_WATCHED } : {}),
    };
  }

  async findSymbol(input: FindSymbolToolInput): Promise<FindSymbolToolOutput> {
    return findSymbolAnswer(this.engine, input);
  }

  async findReferences(input: FindReferencesToolInput): Promise<FindReferencesToolOutput> {
    return findReferencesAnswer(this.engine, input);
  }

  async fileOutline(input: OutlineToolInput): Promise<OutlineToolOutput> {
    return outlineAnswer(this.engine, input);
  }
}
