import type { DeriveRequest, DerivedFile } from './file-derivation.ts';

/**
 * What the derive pool and its worker threads send each other. Both sides
 * are the same build in the same process, so these need no version: a
 * release never mixes them.
 */
/** Given to each worker when it starts. */
export interface WorkerSettings {
  readonly symbols: boolean;
  /** The worker makes the search terms of files of at least this many characters, and leaves the others' to the thread that writes. */
  readonly termsFromChars: number;
}

export interface WorkerRequest {
  readonly id: number;
  readonly request: DeriveRequest;
}

export type WorkerReply = { readonly id: number; readonly result: DerivedFile } | { readonly id: number; readonly error: string };
