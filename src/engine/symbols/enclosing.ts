import type { ChunkHit, IndexStore } from '../store/index-store.ts';
import { decodeDefinitions } from './codec.ts';
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

/** For each search hit, the symbol (name, kind) its chunk belongs to, when its file has symbols. */
export function enclosingSymbols(store: IndexStore, hits: readonly ChunkHit[]): Map<number, { name: string; kind: SymbolKind }> {
  const found = new Map<number, { name: string; kind: SymbolKind }>();
  const byChunk = store.symbols.definitionsOfChunks(hits.map((hit) => hit.chunkId));
  const decoded = new Map<string, SymbolDefinition[]>();
  for (const hit of hits) {
    const encoded = byChunk.get(hit.chunkId);
    if (!encoded) continue;
    let definitions = decoded.get(encoded);
    if (!definitions) decoded.set(encoded, (definitions = decodeDefinitions(encoded)));
    const definition = definitionOfChunk(definitions, hit.startLine, hit.endLine);
    if (definition) found.set(hit.chunkId, { name: definition.name, kind: definition.kind });
  }
  return found;
}
