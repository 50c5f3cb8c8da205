import { existsSync } from 'node:fs';
import { resolveCodebase, resolveScope } from '../codebase-lookup.ts';
import { UserError } from '../errors.ts';
import { absolutePath } from '../paths.ts';
import type { CodebaseRecord, IndexStore } from '../store/index-store.ts';

/** What every symbol answer says about the index it comes from. */
export interface SymbolIndexInfo {
  /** The codebase root. */
  readonly root: string;
  /** Set when the request named a folder inside the codebase: answers are limited to it. */
  readonly subfolder?: string;
  readonly indexStatus: CodebaseRecord['status'];
  /** `complete`: every file has its symbols; `partial`: only some (indexing, or indexed before symbols existed). */
  readonly symbolTable: 'complete' | 'partial';
  /** What to do about a partial table. */
  readonly note?: string;
}

export interface SymbolContext {
  readonly codebase: CodebaseRecord;
  readonly info: SymbolIndexInfo;
  /** Keeps only paths under the requested sub-folder. */
  readonly inScope: (path: string) => boolean;
}

/**
 * The codebase a symbol request names, and how complete its symbol table is.
 * A codebase indexed before Baton kept symbols has none: the request fails
 * with what to do (re-index it), rather than answering nothing.
 */
export function symbolContext(store: IndexStore, input: string, scope: 'folder' | 'codebase' = 'folder'): SymbolContext {
  // An outline names its file itself: its `path` only picks the codebase, and may be that file.
  const resolved = scope === 'folder' ? resolveScope(store, input) : resolveCodebase(store, input);
  if (!resolved) throw new UserError(`${absolutePath(input)} is not indexed. Index it first with index_codebase, then ask again.`);
  const { codebase } = resolved;
  const subfolder = scope === 'folder' ? resolved.subfolder : undefined;
  // Search checks each result file against the disk; symbol answers are not checked, so a
  // codebase whose folder is gone would answer with definitions of files that no longer exist.
  if (!existsSync(codebase.root)) {
    throw new UserError(
      `${codebase.root} no longer exists (deleted or moved). Its index is kept until the folder is back or you clear it (clear_index); ` +
        'if it moved, index it at its new place.',
    );
  }
  if (!store.symbols.available()) {
    throw new UserError(
      `the index of ${codebase.root} has no symbol table yet: the Baton that maintains it is older than this one. ` +
        'Reload the windows (or restart the agents) running the older Baton; the index gets its symbols on its next index run. search_code works meanwhile.',
    );
  }
  const state = store.symbols.state(codebase.id);
  if (!state.present && codebase.status !== 'indexing') {
    throw new UserError(
      `${codebase.root} was indexed before Baton kept symbols (definitions and references). ` +
        'Run index_codebase on it once to build its symbol table (every file is read again); search_code works meanwhile.',
    );
  }
  const note = state.complete
    ? undefined
    : codebase.status === 'indexing'
      ? 'Indexing is in progress: symbols of files not indexed yet are missing. Ask again when it finishes.'
      : 'Some files were indexed before Baton kept symbols: run index_codebase to give every file its symbols.';
  const prefix = subfolder ? `${subfolder}/` : undefined;
  return {
    codebase,
    info: { root: codebase.root, ...(subfolder ? { subfolder } : {}), indexStatus: codebase.status, symbolTable: state.complete ? 'complete' : 'partial', ...(note ? { note } : {}) },
    inScope: prefix ? (path) => path.startsWith(prefix) : () => true,
  };
}
