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
