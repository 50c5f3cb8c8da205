import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { IndexStore } from '../store/index-store.ts';

interface LoadedVectors {
  readonly version: number;
  readonly chunkIds: number[];
  readonly vectors: Float32Array[];
}

/** Vectors read per step: a few milliseconds of work, then the event loop answers whatever waits. */
const LOAD_PAGE = 2000;

/**
 * Brute-force nearest neighbours over a codebase's chunk vectors, kept in
 * memory between searches and reloaded when the codebase changes. Vectors are
 * unit length, so the dot product is the cosine similarity. Loading happens
 * in pages with a yield between them: a codebase of a hundred thousand
 * chunks never blocks the process (a leader's election and IPC) for long.
 */
export class VectorIndex {
  private readonly loaded = new Map<number, Promise<LoadedVectors>>();
  private readonly versions = new Map<number, number>();

  /** Chunk ids, most similar first. None for a query without direction (a zero vector matches nothing). */
  async nearest(store: IndexStore, codebaseId: number, version: number, model: string, query: Float32Array, limit: number): Promise<number[]> {
    if (!query.some((value) => value !== 0)) return [];
    const entry = await this.load(store, codebaseId, version, model);
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
    this.versions.delete(codebaseId);
  }

  private load(store: IndexStore, codebaseId: number, version: number, model: string): Promise<LoadedVectors> {
    const cached = this.loaded.get(codebaseId);
    if (cached && this.versions.get(codebaseId) === version) return cached;
    const loading = loadPaged(store, codebaseId, version, model);
    this.loaded.set(codebaseId, loading);
    this.versions.set(codebaseId, version);
    // A failed load is not kept: the next search tries again.
    loading.catch(() => {
      if (this.loaded.get(codebaseId) === loading) this.forget(codebaseId);
    });
    return loading;
  }
}

async function loadPaged(store: IndexStore, codebaseId: number, version: number, model: string): Promise<LoadedVectors> {
  const chunkIds: number[] = [];
  const vectors: Float32Array[] = [];
  for (let after = 0; ; ) {
    const page = store.vectors.page(codebaseId, model, after, LOAD_PAGE);
    for (const row of page) {
      chunkIds.push(row.chunkId);
      vectors.push(row.vector);
    }
    if (page.length < LOAD_PAGE) return { version, chunkIds, vectors };
    after = page[page.length - 1]!.chunkId;
    await yieldToEventLoop();
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
