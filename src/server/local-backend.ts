import type { Engine } from '../engine/engine.ts';
import type { IndexProgress } from '../engine/progress.ts';
import { SEARCH_LIMIT_DEFAULT, type ClearToolOutput, type IndexToolInput, type SearchToolInput, type SearchToolOutput, type StatusToolOutput } from '../protocol/tools.ts';
import type { IndexAccepted, ToolBackend } from './backend.ts';

/** Answers the tools from the engine in this process. */
export class LocalBackend implements ToolBackend {
  private readonly engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
  }

  async index(input: IndexToolInput, onProgress: (progress: IndexProgress) => void): Promise<IndexAccepted> {
    const started = await this.engine.startIndex(
      input.path,
      { force: input.force, splitter: input.splitter, customExtensions: input.customExtensions, ignorePatterns: input.ignorePatterns },
      onProgress,
    );
    return {
      output: {
        path: started.root,
        status: 'indexing',
        fileCount: started.fileCount,
        percent: 0,
        chunkCount: started.codebase.chunkCount,
        message: `indexing ${started.fileCount} files in the background`,
      },
      done: started.done,
    };
  }

  async search(input: SearchToolInput): Promise<SearchToolOutput> {
    const response = await this.engine.search(input.path, input.query, {
      limit: input.limit ?? SEARCH_LIMIT_DEFAULT,
      extensionFilter: input.extensionFilter,
    });
    return { path: response.root, query: input.query, mode: response.mode, indexStatus: response.codebaseStatus, results: response.results };
  }

  async clear(path: string): Promise<ClearToolOutput> {
    const removed = await this.engine.clear(path);
    return { path: removed.root, cleared: true, fileCount: removed.fileCount, chunkCount: removed.chunkCount };
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
    };
  }
}
