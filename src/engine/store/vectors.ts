import type { StoreConnection } from './connection.ts';

/** Embedding vectors, cached by (model, content hash): a renamed or reverted file costs no new embedding. */
export class VectorTable {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /**
   * Chunks of this codebase after `afterId` (in id order) whose content has no
   * vector for `model` yet. Walking by id keeps each batch cheap on large
   * codebases; the caller drops repeated hashes.
   */
  missing(codebaseId: number, model: string, afterId: number, limit: number): { id: number; contentHash: string; content: string }[] {
    return this.connection
      .statement(
        `SELECT c.id AS id, c.content_hash AS contentHash, c.content AS content FROM chunks c
         WHERE c.codebase_id = ? AND c.id > ?
           AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.content_hash = c.content_hash)
         ORDER BY c.id LIMIT ?`,
      )
      .all(codebaseId, afterId, model, limit) as unknown as { id: number; contentHash: string; content: string }[];
  }

  save(model: string, vectors: readonly { contentHash: string; vector: Float32Array }[]): void {
    this.connection.transaction(() => {
      const insert = this.connection.statement('INSERT OR REPLACE INTO embeddings(model, content_hash, vector) VALUES (?, ?, ?)');
      for (const { contentHash, vector } of vectors) insert.run(model, contentHash, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    });
  }

  /**
   * Chunks of the codebase after `afterChunkId` (in id order) that have a
   * vector for `model`, with that vector: one page of at most `limit`, so a
   * large codebase is loaded in steps that leave the event loop free between them.
   */
  page(codebaseId: number, model: string, afterChunkId: number, limit: number): { chunkId: number; vector: Float32Array }[] {
    const rows = this.connection
      .statement(
        `SELECT c.id AS chunkId, e.vector AS vector FROM chunks c
         JOIN embeddings e ON e.model = ? AND e.content_hash = c.content_hash
         WHERE c.codebase_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
      )
      .all(model, codebaseId, afterChunkId, limit) as unknown as { chunkId: number; vector: Uint8Array }[];
    return rows.map((row) => ({
      chunkId: row.chunkId,
      vector: new Float32Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength / 4),
    }));
  }
}
