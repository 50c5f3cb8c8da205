import type { IndexStore } from '../store/index-store.ts';
import { definitionsOverlapping } from './codec.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';

/** The innermost definition whose extent holds `line`, if any. */
export function innermostAt(definitions: readonly SymbolDefinition[], line: number): SymbolDefinition | undefined {
  let best: SymbolDefinition | undefined;
  for (const definition of definitions) {
    if (definition.startLine > line || definition.endLine < line) continue;
    if (!best || definition.endLine - definition.startLine <= best.endLine - best.startLine) best = definition;
  }
  return best;
}

/**
 * The definition a chunk is about: the one that covers most of its lines,
 * the innermost on a tie (a method over its class, a piece of a long function
 * its function, a small file of two functions the larger).
 */
export function definitionOfChunk(definitions: readonly SymbolDefinition[], startLine: number, endLine: number): SymbolDefinition | undefined {
  let best: SymbolDefinition | undefined;
  let bestCovered = 0;
  for (const definition of definitions) {
    const covered = Math.min(endLine, definition.endLine) - Math.max(startLine, definition.startLine) + 1;
    if (covered <= 0) continue;
    const tighter = best !== undefined && definition.endLine - definition.startLine < best.endLine - best.startLine;
    if (covered > bestCovered || (covered === bestCovered && tighter)) {
      best = definition;
      bestCovered = covered;
    }
  }
  return best;
}

/** For each search result (a file's line range), the symbol (name, kind) it is about, when its file has symbols. */
export function enclosingSymbols(
  store: IndexStore,
  results: readonly { readonly fileId: number; readonly startLine: number; readonly endLine: number }[],
): ({ name: string; kind: SymbolKind } | undefined)[] {
  const byFile = store.symbols.definitionsOfFiles([...new Set(results.map((result) => result.fileId))]);
  return results.map((result) => {
    const encoded = byFile.get(result.fileId);
    if (encoded === undefined) return undefined;
    const definition = definitionOfChunk(definitionsOverlapping(encoded, result.startLine, result.endLine), result.startLine, result.endLine);
    return definition ? { name: definition.name, kind: definition.kind } : undefined;
  });
}
