import type { DatabaseSync } from 'node:sqlite';
import { ChunkSearch } from './chunk-search.ts';
import { CodebaseTable } from './codebases.ts';
import { NO_WRITER, StoreConnection, type WriteFence } from './connection.ts';
import { migrateToCurrent, schemaState, type SchemaState } from './database.ts';
import { SearchRebuild } from './search-rebuild.ts';
import { ContentTable } from './contents.ts';
import { EpochTable } from './epochs.ts';
import { FileStamps } from './file-stamps.ts';
import { FtsMerges } from './fts-merges.ts';
import { SymbolTable } from './symbols.ts';
import { VectorTable } from './vectors.ts';

export { NO_WRITER, SOLE_WRITER, type WriteFence } from './connection.ts';
export type { CandidateFilter, ColumnWeights } from './chunk-search.ts';
export type { ChunkCandidate, CodebaseRecord, CodebaseStatus, FileUpdate, HashedChunk, IndexSettings, PreparedChunk, StoredFile } from './records.ts';
export type { StoredFileSymbols, SymbolState } from './symbols.ts';

/**
 * The index database, one table group per job: codebases (status and
 * settings), contents (files, chunks, search terms), chunk search and its
 * rebuild and merging, symbols, vectors, and the epoch that fences writers. Every
 * write runs in an IMMEDIATE transaction that first passes the write fence.
 */
export class IndexStore {
  readonly db: DatabaseSync;
  readonly codebases: CodebaseTable;
  readonly contents: ContentTable;
  readonly search: ChunkSearch;
  readonly rebuild: SearchRebuild;
  readonly symbols: SymbolTable;
  readonly vectors: VectorTable;
  readonly epochs: EpochTable;
  readonly stamps: FileStamps;
  readonly merges: FtsMerges;
  private readonly connection: StoreConnection;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.connection = new StoreConnection(db);
    this.symbols = new SymbolTable(this.connection);
    this.contents = new ContentTable(this.connection, this.symbols);
    this.codebases = new CodebaseTable(this.connection, this.contents);
    this.search = new ChunkSearch(this.connection);
    this.rebuild = new SearchRebuild(this.connection);
    this.vectors = new VectorTable(this.connection);
    this.epochs = new EpochTable(this.connection);
    this.stamps = new FileStamps(this.connection);
    this.merges = new FtsMerges(this.connection);
  }

  /**
   * Until this is called every write is refused: only a process chosen as the
   * writer may write, and only to a database at this Baton's schema (the
   * writer migrates it first: `migrateToCurrent`).
   */
  setWriteFence(fence: WriteFence, writerEpoch = 0): void {
    if (fence !== NO_WRITER) {
      const { applied, known } = schemaState(this.db);
      if (applied !== known) throw new Error(`the index database is at schema ${applied}, this Baton writes schema ${known}: migrate it before writing`);
    }
    this.connection.setWriteFence(fence, writerEpoch);
    // A background duty ends with the seat: the steps of a process that no longer writes would all be refused.
    if (fence === NO_WRITER) this.merges.forgetAll();
  }

  /** Where the database stands against this Baton's schema (an older one stays as it is until a leader migrates it). */
  schemaState(): SchemaState {
    return schemaState(this.db);
  }

  /** Brings the database to this Baton's schema; for the writer, before it writes. A newer schema is left alone. */
  migrateToCurrent(): void {
    const { applied, known } = schemaState(this.db);
    if (applied < known) migrateToCurrent(this.db);
  }

  close(): void {
    this.merges.close();
    this.connection.close();
  }
}
