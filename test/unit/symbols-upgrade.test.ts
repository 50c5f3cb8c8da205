import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { prepareChunk } from '../../src/engine/indexing/prepare.ts';
import { DATABASE_FILE } from '../../src/engine/store/database.ts';
import { INDEX_FORMAT_VERSION } from '../../src/engine/indexing/index-format.ts';
import { MIGRATIONS, ftsTableName, ftsTableSql, requiredSchema } from '../../src/engine/store/schema.ts';
import { extensionOf } from '../../src/engine/languages.ts';
import { pathTerms } from '../../src/engine/tokenize.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const folders = [tempFolder('upgrade-source-home'), tempFolder('upgrade-old-home'), tempFolder('upgrade-project')];
const [sourceHome, oldHome, project] = folders as [ReturnType<typeof tempFolder>, ReturnType<typeof tempFolder>, ReturnType<typeof tempFolder>];
after(() => {
  for (const folder of folders) folder.remove();
});

/**
 * Writes an index as the Baton before symbols left it: the migrations before
 * the symbol table's, files of the previous index format, holding the rows of
 * a real index of the project (files, chunks, and the chunks' search terms).
 */
async function writeOldIndex(): Promise<void> {
  const indexer = new Engine({ home: sourceHome.path, maxFileBytes: 1024 * 1024, maxFiles: 1000 }, { soleWriter: true });
  try {
    assert.equal((await (await indexer.startIndex(project.path)).done).phase, 'done');
  } finally {
    indexer.close();
  }
  const db = new DatabaseSync(path.join(oldHome.path, DATABASE_FILE));
  try {
    // The schema of the Baton before symbols: every migration but the last, and its index format.
    const previous = MIGRATIONS.length - 1;
    for (const migration of MIGRATIONS.slice(0, previous)) db.exec(migration.sql);
    db.prepare("INSERT INTO meta(key, value) VALUES ('schema', ?)").run(String(previous));
    db.exec(`PRAGMA user_version = ${requiredSchema(previous)}`);
    db.exec(`ATTACH DATABASE '${path.join(sourceHome.path, DATABASE_FILE)}' AS source`);
    db.exec('INSERT INTO codebases SELECT * FROM source.codebases');
    db.exec('INSERT INTO files SELECT * FROM source.files');
    db.exec('INSERT INTO chunks SELECT * FROM source.chunks');
    db.exec('INSERT INTO writers SELECT * FROM source.writers');
    db.prepare('UPDATE files SET format_version = ?').run(INDEX_FORMAT_VERSION - 1);
    db.prepare('UPDATE writers SET format_version = ?').run(INDEX_FORMAT_VERSION - 1);
    const codebaseId = (db.prepare('SELECT id FROM codebases').get() as { id: number }).id;
    const fts = ftsTableName(codebaseId);
    db.exec(ftsTableSql(fts));
    const chunks = db.prepare('SELECT c.id, c.start_line, c.end_line, c.content, c.symbols, f.path FROM chunks c JOIN files f ON f.id = c.file_id').all() as {
      id: number;
      start_line: number;
      end_line: number;
      content: string;
      symbols: string;
      path: string;
    }[];
    const insert = db.prepare(`INSERT INTO ${fts}(rowid, symbols, path, body, ext) VALUES (?, ?, ?, ?, ?)`);
    for (const chunk of chunks) {
      const prepared = prepareChunk({ startLine: chunk.start_line, endLine: chunk.end_line, content: chunk.content, symbols: chunk.symbols });
      insert.run(chunk.id, prepared.symbolTerms, pathTerms(chunk.path), prepared.bodyTerms, extensionOf(chunk.path).slice(1));
    }
    db.exec('DETACH DATABASE source');
  } finally {
    db.close();
  }
}

test('a codebase indexed before symbols: search keeps working, symbol tools say to re-index, and the next index builds them', async () => {
  writeTree(project.path, SAMPLE_PROJECT);
  await writeOldIndex();
  const reader = new Engine({ home: oldHome.path, maxFileBytes: 1024 * 1024, maxFiles: 1000 });
  try {
    // A follower of this version, before any leader migrated: it searches, and says why there are no symbols.
    assert.equal(reader.store.schemaState().applied, MIGRATIONS.length - 1);
    assert.equal((await reader.search(project.path, 'parseConfig', { limit: 1 })).results[0]?.file, 'src/config.ts');
    assert.throws(() => reader.symbols.findSymbol(project.path, 'parseConfig', { limit: 5 }), (error: Error) => error instanceof UserError && /no symbol table yet.*older/s.test(error.message));
  } finally {
    reader.close();
  }
  const engine = new Engine({ home: oldHome.path, maxFileBytes: 1024 * 1024, maxFiles: 1000 }, { soleWriter: true });
  try {
    assert.equal(engine.store.schemaState().applied, MIGRATIONS.length, 'the writer migrated it');
    const userVersion = (engine.store.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    assert.equal(userVersion, requiredSchema(MIGRATIONS.length), 'the symbol tables keep older Batons working');
    assert.equal(engine.status(project.path).status, 'indexed');
    const search = await engine.search(project.path, 'parseConfig', { limit: 1 });
    assert.equal(search.results[0]?.file, 'src/config.ts', 'the old index still answers searches');

    for (const call of [
      () => engine.symbols.findSymbol(project.path, 'parseConfig', { limit: 5 }),
      () => engine.symbols.findReferences(project.path, 'parseConfig', { limit: 5 }),
      () => engine.symbols.fileOutline(project.path, 'src/config.ts'),
    ]) {
      assert.throws(call, (error: Error) => error instanceof UserError && /indexed before Baton kept symbols.*index_codebase/s.test(error.message));
    }

    const final = await (await engine.startIndex(project.path)).done;
    assert.equal(final.phase, 'done', final.message);
    assert.match(final.message, /^4 files indexed, 0 unchanged/, 'every file is read again once');
    const found = engine.symbols.findSymbol(project.path, 'parseConfig', { limit: 5 });
    assert.equal(found.symbolTable, 'complete');
    assert.deepEqual(found.results.map((result) => `${result.file}:${result.line}`), ['src/config.ts:9']);
    const again = await (await engine.startIndex(project.path)).done;
    assert.match(again.message, /^0 files indexed, 4 unchanged/, 'and only once');
  } finally {
    engine.close();
  }
});
