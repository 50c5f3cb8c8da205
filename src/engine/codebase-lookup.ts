import { statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.ts';
import { absolutePath, canonicalFolder, relativeInside } from './paths.ts';
import type { CodebaseRecord, IndexStore } from './store/index-store.ts';

export interface ResolvedCodebase {
  readonly codebase: CodebaseRecord;
  /** Set when the path names a folder inside the codebase ("/"-separated, root-relative). */
  readonly subfolder?: string;
}

/** The codebase a path names: itself when indexed, else the indexed folder that contains it. */
export function resolveCodebase(store: IndexStore, input: string): ResolvedCodebase | undefined {
  const requested = absolutePath(input);
  let folder = requested;
  try {
    folder = canonicalFolder(requested);
  } catch {
    // A folder deleted since it was indexed can still be looked up (and cleared) by name.
  }
  const exact = store.codebases.byRoot(folder);
  if (exact) return { codebase: exact };
  let best: { codebase: CodebaseRecord; subfolder: string } | undefined;
  for (const codebase of store.codebases.list()) {
    const inside = relativeInside(codebase.root, folder);
    if (inside && (!best || codebase.root.length > best.codebase.root.length)) best = { codebase, subfolder: inside };
  }
  return best;
}

/**
 * The same for a request scoped to the folder it names (a search, a symbol
 * lookup): a file, or a folder that is not there, would scope it to nothing
 * and answer "no results" as if the search had been made, so both are
 * refused, saying what to pass. Status and clear take any path inside.
 */
export function resolveScope(store: IndexStore, input: string): ResolvedCodebase | undefined {
  const resolved = resolveCodebase(store, input);
  if (resolved?.subfolder !== undefined) checkSubfolder(absolutePath(input), resolved.codebase.root);
  return resolved;
}

function checkSubfolder(requested: string, root: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(requested).isDirectory();
  } catch {
    throw new UserError(`no folder at "${requested}" inside the indexed codebase ${root}. Check the path, or pass ${root} to search all of it.`);
  }
  if (!isFolder) {
    throw new UserError(
      `"${requested}" is a file, not a folder. Pass the codebase ${root}, or the folder the file is in ("${path.dirname(requested)}"); ` +
        'get_file_outline lists what one file defines.',
    );
  }
}
