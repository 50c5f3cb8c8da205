/** One step of the schema. */
export interface Migration {
  readonly sql: string;
  /**
   * Whether a Baton that knows only the migrations before this one can still
   * read and write the database after it: only additions, with defaults that
   * mean "produced by an older Baton" (so that a current one redoes that
   * work), and derived rows that go with their file. Such a migration leaves
   * the database open to older processes during an update.
   */
  readonly keepsOlderWorking: boolean;
}

/**
 * The index schema, as an ordered list of migrations. The `meta` row
 * `schema` records how many have run; `PRAGMA user_version` records the
 * oldest schema a process must know to use the database (the count up to the
 * last migration that does not keep older processes working), which is what
 * Baton 0.1, which knows one migration, checks: a database it cannot use is
 * refused with a message, never misread.
 *
 * Layout: one database for every codebase on the machine. Each codebase gets
 * its own contentless FTS5 table (`fts_<id>`), so clearing one is a DROP and
 * search never filters other codebases' rows out. Chunk text lives in
 * `chunks`; the FTS table holds only the code-aware terms (see tokenize.ts).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    keepsOlderWorking: false,
    sql: `
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
  },
  // 2: what produced each file's chunks (index format version and settings), so that a
  // chunker, tokenizer or splitter change re-chunks files whose size and mtime did not change.
  // An older Baton that writes later does not know these columns, so they are trusted only
  // for rows whose writer (every writer records its epoch on the rows it writes) is in
  // `writers`, which current leaders fill and older ones do not: a row an older leader
  // wrote counts as format 0, and the next current leader re-chunks it. Existing rows were
  // produced by format 1 with their codebase's splitter.
  {
    keepsOlderWorking: true,
    sql: `
  ALTER TABLE files ADD COLUMN format_version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE files ADD COLUMN format_options TEXT NOT NULL DEFAULT '';
  UPDATE files SET format_options = 'splitter=' || coalesce(
    (SELECT json_extract(c.settings, '$.splitter') FROM codebases c WHERE c.id = files.codebase_id), 'ast');
  CREATE TABLE writers (
    epoch INTEGER PRIMARY KEY,
    format_version INTEGER NOT NULL,
    baton_version TEXT NOT NULL,
    started_at INTEGER NOT NULL
  );
  INSERT INTO writers(epoch, format_version, baton_version, started_at)
    SELECT DISTINCT writer_epoch, 1, '0.1', 0 FROM files;
  `,
  },
  // 3: what each file is for (source, test, docs, changelog…; see protocol/roles.ts), decided at
  // index time, and a chunk's own role where it differs from its file's (Rust #[cfg(test)] modules).
  // NULL in rows written before, or by an older Baton: search then judges the file by its path.
  {
    keepsOlderWorking: true,
    sql: `
  ALTER TABLE files ADD COLUMN role TEXT;
  ALTER TABLE chunks ADD COLUMN role TEXT;
  `,
  },
  // 4: the symbol table (see store/symbols.ts): per file, its definitions and the names it
  // uses, with the content hash they were read from (a row whose hash no longer matches its
  // file's, left by an older Baton that rewrote the file, is ignored), and per codebase
  // whether a full run gave every file its symbols. Files of an older index format are
  // re-chunked by the next run (index format 3), which fills the table; until then the
  // symbol tools say what to do.
  {
    keepsOlderWorking: true,
    sql: `
  CREATE TABLE file_symbols (
    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    definitions TEXT NOT NULL,
    refs TEXT NOT NULL
  );
  CREATE TABLE symbol_state (
    codebase_id INTEGER PRIMARY KEY REFERENCES codebases(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    completed_at INTEGER NOT NULL
  );
  `,
  },
];

/** The oldest schema a process must know to use a database migrated through `applied` migrations. */
export function requiredSchema(applied: number): number {
  let required = 1;
  for (let index = 0; index < applied && index < MIGRATIONS.length; index++) if (!MIGRATIONS[index]!.keepsOlderWorking) required = index + 1;
  return required;
}

/**
 * The version of symbol extraction. A codebase whose symbols were extracted
 * by an older one is reported as incomplete (re-index to refresh them).
 */
export const SYMBOLS_VERSION = 1;

/**
 * SQL creating the symbol search table of one codebase: one document per
 * file (rowid = file id) of terms built by symbols/codec.ts. Names keep `_`
 * and `$`; nothing but file ids is stored for a term (detail=none).
 */
export function symbolSearchTableSql(table: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(
    terms,
    content='', contentless_delete=1, detail=none,
    tokenize="unicode61 remove_diacritics 0 tokenchars '_$'"
  )`;
}

export function symbolSearchTableName(codebaseId: number): string {
  return `symbols_fts_${Math.trunc(codebaseId)}`;
}

/** The tokenizer of the codebases' FTS tables (search/extension-tokens.ts tokenizes extensions with it too). */
export const FTS_TOKENIZER = 'porter unicode61 remove_diacritics 2';

/** SQL creating the FTS table of one codebase. Column order matters to bm25 weights (see chunk-search.ts). */
export function ftsTableSql(table: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(
    symbols, path, body, ext,
    content='', contentless_delete=1,
    tokenize='${FTS_TOKENIZER}'
  )`;
}

/**
 * SQL that moves a codebase's `updated_at` forward (bind: now). It is the
 * version that caches of the codebase's terms and vectors key on, so it must
 * change with every write, even two in one millisecond.
 */
export const BUMP_VERSION = 'updated_at = max(updated_at + 1, ?)';

export function ftsTableName(codebaseId: number): string {
  return `fts_${Math.trunc(codebaseId)}`;
}

/** Adds a chunk's row (rowid = chunk id, then its terms column by column) to a search table. */
export function searchRowInsertSql(table: string): string {
  return `INSERT INTO ${table}(rowid, symbols, path, body, ext) VALUES (?, ?, ?, ?, ?)`;
}

/** The FTS table a rebuild fills before it takes the place of `ftsTableName` (see store/search-rebuild.ts). */
export function freshFtsTableName(codebaseId: number): string {
  return `${ftsTableName(codebaseId)}_fresh`;
}
