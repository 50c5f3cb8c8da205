import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { INDEX_FORMAT_VERSION } from '../../src/engine/indexing/index-format.ts';
import { DATABASE_FILE, openDatabase } from '../../src/engine/store/database.ts';
import { IndexStore, SOLE_WRITER } from '../../src/engine/store/index-store.ts';
import { MIGRATIONS } from '../../src/engine/store/schema.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('format-home');
const project = tempFolder('format-project');
let engine: Engine;

before(() => {
  writeTree(project.path, SAMPLE_PROJECT);
  engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true });
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

async function index(options: { splitter?: 'ast' | 'langchain'; force?: boolean } = {}): Promise<string> {
  const final = await (await engine.startIndex(project.path, options)).done;
  assert.equal(final.phase, 'done', final.message);
  return final.message;
}

function chunkIds(): number[] {
  return (engine.store.db.prepare('SELECT id FROM chunks ORDER BY id').all() as { id: number }[]).map((row) => row.id);
}

test('switching the splitter re-chunks every file, though none changed on disk', async () => {
  await index();
  const astChunks = chunkIds();
  const message = await index({ splitter: 'langchain' });
  assert.match(message, /4 files indexed, 0 unchanged/);
  assert.ok(chunkIds().every((id) => !astChunks.includes(id)), 'no chunk of the ast splitter is left');
  assert.match(await index(), /0 files indexed, 4 unchanged/, 'the setting is kept: nothing to redo');
  assert.match(await index({ splitter: 'ast' }), /4 files indexed/);
});

test('files chunked by an older index format are re-chunked by the next run, and only they', async () => {
  await index();
  engine.store.db.prepare("UPDATE files SET format_version = ? WHERE path = 'src/config.ts'").run(INDEX_FORMAT_VERSION - 1);
  assert.match(await index(), /1 files indexed, 3 unchanged/);
  const versions = (engine.store.db.prepare('SELECT DISTINCT format_version AS v FROM files').all() as { v: number }[]).map((row) => row.v);
  assert.deepEqual(versions, [INDEX_FORMAT_VERSION]);
});

test('a file written by a newer Baton is left alone (an older leader never downgrades it)', async () => {
  engine.store.db.prepare("UPDATE files SET format_version = ? WHERE path = 'src/server.ts'").run(INDEX_FORMAT_VERSION + 1);
  assert.match(await index(), /0 files indexed, 4 unchanged/);
  engine.store.db.prepare('UPDATE files SET format_version = ?').run(INDEX_FORMAT_VERSION);
});

test('a leader re-indexes outdated codebases on its own (refreshOutdated)', async () => {
  engine.store.db.prepare("UPDATE files SET format_version = ? WHERE path = 'lib/tokens.py'").run(INDEX_FORMAT_VERSION - 1);
  const started = await engine.refreshOutdated((root, error) => assert.fail(`${root}: ${String(error)}`));
  assert.deepEqual(started, [{ root: project.path, outdated: 1 }]);
  const final = await (await engine.startIndex(project.path)).done; // joins the run refreshOutdated started
  assert.equal(final.phase, 'done');
  assert.match(final.message, /1 files indexed, 3 unchanged/);
  assert.deepEqual(await engine.refreshOutdated(() => {}), [], 'nothing outdated any more');
});

test('a database of schema 1 is migrated by its writer only, and its files count as chunked with their codebase\'s splitter', () => {
  const old = tempFolder('format-old-home');
  try {
    const db = new DatabaseSync(path.join(old.path, DATABASE_FILE));
    db.exec(MIGRATIONS[0]!.sql);
    db.exec('PRAGMA user_version = 1');
    db.prepare("INSERT INTO codebases(id, root, status, settings, created_at, started_at, updated_at) VALUES (1, '/x', 'indexed', ?, 0, 0, 0)").run(
      JSON.stringify({ splitter: 'langchain', customExtensions: [], ignorePatterns: [] }),
    );
    db.prepare("INSERT INTO files(codebase_id, path, size, mtime_ms, hash, language, chunk_count) VALUES (1, 'a.ts', 1, 1, 'h', 'typescript', 0)").run();
    db.close();
    const migrated = new IndexStore(openDatabase(old.path));
    assert.deepEqual(migrated.schemaState(), { applied: 1, known: MIGRATIONS.length }, 'opening does not migrate: only the writer does');
    assert.throws(() => migrated.setWriteFence(SOLE_WRITER), /migrate it before writing/);
    migrated.migrateToCurrent();
    assert.deepEqual(migrated.schemaState(), { applied: MIGRATIONS.length, known: MIGRATIONS.length });
    const row = migrated.db.prepare('SELECT format_version AS version, format_options AS options FROM files').get() as { version: number; options: string };
    assert.deepEqual({ ...row }, { version: 1, options: 'splitter=langchain' });
    const userVersion = (migrated.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    assert.equal(userVersion, 1, 'additive migrations leave the database open to Baton 0.1 (it checks user_version against its one migration)');
    migrated.close();
  } finally {
    old.remove();
  }
});
