import type { IndexProgress } from '../engine/progress.ts';
import type { ClearToolOutput, DryRunOutput, IndexToolInput, IndexToolOutput, SearchToolInput, SearchToolOutput, StatusToolOutput } from '../protocol/tools.ts';

export interface IndexAccepted {
  readonly output: IndexToolOutput;
  /** Settles when the run ends (done, failed or cancelled). */
  readonly done: Promise<IndexProgress>;
}

/**
 * What the MCP tools need from whoever holds the index: the engine itself in
 * a leader (or a lone process), or a forwarder to the leader in a follower.
 */
export interface ToolBackend {
  index(input: IndexToolInput, onProgress: (progress: IndexProgress) => void): Promise<IndexAccepted>;
  /** What an index would take in; read-only, so every process answers it itself. */
  dryRun(input: IndexToolInput): Promise<DryRunOutput>;
  search(input: SearchToolInput): Promise<SearchToolOutput>;
  clear(path: string): Promise<ClearToolOutput>;
  status(path: string): Promise<StatusToolOutput>;
}
