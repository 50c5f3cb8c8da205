import type { IndexStore } from './store/index-store.ts';

interface LoadedVectors {
  readonly version: number;
  readonly chunkIds: number[];
  readonly vectors: Float32Array[];
}

/**
 * Brute-force nearest neighbours over a codebase's chunk vectors, kept in
 * memory between searches and reloaded when the codebase changes. Vectors are
 * unit length, so the dot product is the cosine similarity.
 */
export class VectorIndex {
  private readonly loaded = new Map<number, LoadedVectors>();

  nearest(store: IndexStore, codebaseId: number, version: number, model: string, query: Float32Array, limit: number): number[] {
    const entry = this.load(store, codebaseId, version, model);
    const scored: { chunkId: number; score: number }[] = [];
    for (let i = 0; i < entry.vectors.length; i++) {
      scored.push({ chunkId: entry.chunkIds[i]!, score: dot(entry.vectors[i]!, query) });
    }
    scored.sort((a, b) => b.score - a.score);
    return scored.slice(0, limit).map((item) => item.chunkId);
  }

  forget(codebaseId: number): void {
    this.loaded.delete(codebaseId);
  }

  private load(store: IndexStore, codebaseId: number, version: number, model: string): LoadedVectors {
    const cached = this.loaded.get(codebaseId);
    if (cached && cached.version === version) return cached;
    const rows = store.chunkVectors(codebaseId, model);
    const entry = { version, chunkIds: rows.map((row) => row.chunkId), vectors: rows.map((row) => row.vector) };
    this.loaded.set(codebaseId, entry);
    return entry;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  const length = Math.min(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += a[i]! * b[i]!;
  return sum;
}
