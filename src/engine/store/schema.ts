/**
 * The index schema, as an ordered list of migrations. `PRAGMA user_version`
 * records how many have run; a database written by a newer Baton is refused
 * rather than misread.
 *
 * Layout: one database for every codebase on the machine. Each codebase gets
 * its own contentless FTS5 table (`fts_<id>`), so clearing one is a DROP and
 * search never filters other codebases' rows out. Chunk text lives in
 * `chunks`; the FTS table holds only the code-aware terms (see tokenize.ts).
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE codebases (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('indexing', 'indexed', 'failed')),
    settings TEXT NOT NULL,
    total_files INTEGER NOT NULL DEFAULT 0,
    processed_files INTEGER NOT NULL DEFAULT 0,
    file_count INTEGER NOT NULL DEFAULT 0,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    -- epoch of the leader that last wrote the row (0 outside an election)
    writer_epoch INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    codebase_id INTEGER NOT NULL REFERENCES codebases(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    hash TEXT NOT NULL,
    language TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    writer_epoch INTEGER NOT NULL DEFAULT 0,
    UNIQUE (codebase_id, path)
  );

  -- AUTOINCREMENT: a rewritten chunk never reuses an id, so ids identify content
  -- (followers' caches and tests rely on it).
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    codebase_id INTEGER NOT NULL,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    symbols TEXT NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL
  );
  CREATE INDEX chunks_by_file ON chunks(file_id);
  CREATE INDEX chunks_by_codebase ON chunks(codebase_id);

  CREATE TABLE embeddings (
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
  ) WITHOUT ROWID;
  `,
  // 2: what each file is for (source, test, docs, changelog…; see protocol/roles.ts), decided at
  // index time, and a chunk's own role where it differs from its file's (Rust #[cfg(test)] modules).
  // NULL in rows written before: search then judges the file by its path.
  `
  ALTER TABLE files ADD COLUMN role TEXT;
  ALTER TABLE chunks ADD COLUMN role TEXT;
  `,
];

/** SQL creating the FTS table of one codebase. Column order matters to bm25 weights (see chunk-search.ts). */
export function ftsTableSql(table: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(
    symbols, path, body, ext,
    content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2'
  )`;
}

export function ftsTableName(codebaseId: number): string {
  return `fts_${Math.trunc(codebaseId)}`;
}
