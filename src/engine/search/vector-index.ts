import type { IndexStore } from '../store/index-store.ts';

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

  /** Chunk ids, most similar first. None for a query without direction (a zero vector matches nothing). */
  nearest(store: IndexStore, codebaseId: number, version: number, model: string, query: Float32Array, limit: number): number[] {
    if (!query.some((value) => value !== 0)) return [];
    const entry = this.load(store, codebaseId, version, model);
    const scored: { chunkId: number; score: number }[] = [];
    for (let i = 0; i < entry.vectors.length; i++) {
      const vector = entry.vectors[i]!;
      // A vector of another size was stored under the same model name by a differently configured provider: not comparable.
      if (vector.length !== query.length) continue;
      scored.push({ chunkId: entry.chunkIds[i]!, score: dot(vector, query) });
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
    const rows = store.vectors.ofCodebase(codebaseId, model);
    const entry = { version, chunkIds: rows.map((row) => row.chunkId), vectors: rows.map((row) => row.vector) };
    this.loaded.set(codebaseId, entry);
    return entry;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
