import type { DatabaseSync } from 'node:sqlite';
import { ChunkSearch } from './chunk-search.ts';
import { CodebaseTable } from './codebases.ts';
import { StoreConnection, type WriteFence } from './connection.ts';
import { ContentTable } from './contents.ts';
import { EpochTable } from './epochs.ts';
import { FileStamps } from './file-stamps.ts';
import { VectorTable } from './vectors.ts';

export type { WriteFence } from './connection.ts';
export type { ChunkHit, CodebaseRecord, CodebaseStatus, FileUpdate, IndexSettings, PreparedChunk, StoredFile } from './records.ts';

/**
 * The index database, one table group per job: codebases (status and
 * settings), contents (files, chunks, search terms), chunk search, vectors,
 * and the epoch that fences writers. Every write runs in an IMMEDIATE
 * transaction that first passes the write fence.
 */
export class IndexStore {
  readonly db: DatabaseSync;
  readonly codebases: CodebaseTable;
  readonly contents: ContentTable;
  readonly search: ChunkSearch;
  readonly vectors: VectorTable;
  readonly epochs: EpochTable;
  readonly stamps: FileStamps;
  private readonly connection: StoreConnection;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.connection = new StoreConnection(db);
    this.contents = new ContentTable(this.connection);
    this.codebases = new CodebaseTable(this.connection, this.contents);
    this.search = new ChunkSearch(this.connection);
    this.vectors = new VectorTable(this.connection);
    this.epochs = new EpochTable(this.connection);
    this.stamps = new FileStamps(this.connection);
  }

  setWriteFence(fence: WriteFence | undefined, writerEpoch = 0): void {
    this.connection.setWriteFence(fence, writerEpoch);
  }

  close(): void {
    this.connection.close();
  }
}
