import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/engine/config.ts';
import { Engine, type EngineOptions } from '../../src/engine/engine.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { IndexStore } from '../../src/engine/store/index-store.ts';
import { freshFtsTableName } from '../../src/engine/store/schema.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('fresh-search-table');
after(() => home.remove());

/** Warnings this process emits: a fresh table short of rows is swapped for a rebuild with one (a bug the tests must see). */
const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(warning.message));
const freshTableWarnings = (): string[] => warnings.filter((message) => message.includes('fresh search table'));
after(() => assert.deepEqual(freshTableWarnings(), []));

/** More files than one batch holds (200), so that a pass commits several. */
const FILES = 650;

/** A project of FILES TypeScript files under the test home, the nth defining `piece<n>`. */
function project(name: string): string {
  const root = join(home.path, name);
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let index = 0; index < FILES; index++) writeFileSync(join(root, 'src', `part${index}.ts`), `export function piece${index}(value: number) {\n  return value + ${index};\n}\n`);
  return root;
}

function newEngine(engineHome: string, options: EngineOptions = {}): Engine {
  return new Engine({ home: engineHome, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 10_000 }, { indexing: { workers: 0 }, soleWriter: true, ...options });
}

async function indexed(engine: Engine, root: string, force = false): Promise<string> {
  const final = await (await engine.startIndex(root, { force })).done;
  assert.equal(final.phase, 'done', final.message);
  return final.message;
}

function hasFreshTable(store: IndexStore, codebaseId: number): boolean {
  return store.db.prepare('SELECT 1 AS present FROM sqlite_master WHERE name = ?').get(freshFtsTableName(codebaseId)) !== undefined;
}

function automerge(store: IndexStore, table: string): number | undefined {
  return (store.db.prepare(`SELECT v FROM ${table}_config WHERE k = 'automerge'`).get() as { v: number } | undefined)?.v;
}

test('during a forced re-index searches read a live table of one row per chunk; the fresh one fills batch by batch, then takes its place', { timeout: 60_000 }, async () => {
  const root = project('swap');
  const engineHome = join(home.path, 'swap-home');
  const observer = new IndexStore(openDatabase(engineHome));
  const during: { live: number | undefined; fresh: number | undefined; freshMerging: number | undefined; found: string | undefined }[] = [];
  let forced = false;
  const engine = newEngine(engineHome, {
    hooks: {
      afterBatch: async () => {
        if (!forced) return;
        const id = observer.codebases.byRoot(root)!.id;
        const found = (await engine.search(root, 'piece7', { limit: 1 })).results[0]?.file;
        during.push({ live: observer.search.ftsRowCount(id), fresh: observer.rebuild.rowCount(id), freshMerging: automerge(observer, freshFtsTableName(id)), found });
      },
    },
  });
  try {
    await indexed(engine, root);
    const id = observer.codebases.byRoot(root)!.id;
    const chunks = observer.codebases.byId(id)!.chunkCount;
    assert.equal(observer.search.ftsRowCount(id), chunks);
    forced = true;
    await indexed(engine, root, true);
    assert.ok(during.length >= 3, `several batches: ${during.length}`);
    for (const batch of during) {
      assert.equal(batch.live, chunks, 'no chunk changed: the live table got no row, and none deleted');
      assert.equal(batch.found, 'src/part7.ts', 'search answers from the live table');
      assert.equal(batch.freshMerging, 0, "the fresh table's commits leave merging to the steps");
    }
    const filling = during.map((batch) => batch.fresh ?? 0);
    assert.ok(filling.every((rows, index) => index === 0 || rows >= filling[index - 1]!) && filling.at(-1)! <= chunks && filling[0]! > 0, `the fresh table fills: ${filling.join(', ')}`);
    assert.equal(hasFreshTable(observer, id), false, 'swapped in');
    assert.equal(observer.search.ftsRowCount(id), chunks, 'one row per chunk');
    assert.equal(automerge(observer, `fts_${id}`), 4, 'merging given back to the swapped-in table');
    observer.db.prepare(`INSERT INTO fts_${id}(fts_${id}, rank) VALUES ('integrity-check', 0)`).run();
    assert.equal((await engine.search(root, 'piece321', { limit: 1 })).results[0]?.file, 'src/part321.ts');
  } finally {
    observer.close();
    engine.close();
  }
});

test('a file whose parse fails during a forced re-index keeps its chunks, in the swapped-in table too', { timeout: 60_000 }, async () => {
  const root = project('crash');
  const engineHome = join(home.path, 'crash-home');
  const first = newEngine(engineHome);
  await indexed(first, root);
  first.close();
  // Workers copy the environment when they start: only this engine's crash on the victim.
  process.env.BATON_TEST_WORKER_CRASH_ON = 'src/part42.ts';
  const engine = newEngine(engineHome, { indexing: { workers: 1 } });
  try {
    assert.match(await indexed(engine, root, true), /1 could not be parsed/);
    const id = engine.store.codebases.byRoot(root)!.id;
    assert.equal(engine.store.search.ftsRowCount(id), engine.store.codebases.byId(id)!.chunkCount);
    assert.equal((await engine.search(root, 'piece42', { limit: 1 })).results[0]?.file, 'src/part42.ts');
    assert.equal(hasFreshTable(engine.store, id), false);
    assert.deepEqual(freshTableWarnings(), [], 'its stored chunks were copied in, not left to a rebuild');
  } finally {
    delete process.env.BATON_TEST_WORKER_CRASH_ON;
    engine.close();
  }
});

test('a forced re-index that fails midway leaves the live table as it was and drops its fresh one; the next forced run merges in steps again', { timeout: 60_000 }, async () => {
  const root = project('stopped');
  const engineHome = join(home.path, 'stopped-home');
  let phase: 'first' | 'failing' | 'observed' = 'first';
  const freshMerging: (number | undefined)[] = [];
  const engine = newEngine(engineHome, {
    hooks: {
      afterBatch: () => {
        if (phase === 'failing') return Promise.reject(new Error('stopped by the test after a batch'));
        if (phase === 'observed') freshMerging.push(automerge(engine.store, freshFtsTableName(engine.store.codebases.byRoot(root)!.id)));
        return Promise.resolve();
      },
    },
  });
  try {
    await indexed(engine, root);
    const id = engine.store.codebases.byRoot(root)!.id;
    const rows = engine.store.search.ftsRowCount(id);
    phase = 'failing';
    const outcome = await (await engine.startIndex(root, { force: true })).done;
    assert.match(outcome.message, /stopped by the test/);
    assert.equal(hasFreshTable(engine.store, id), false);
    assert.equal(engine.store.search.ftsRowCount(id), rows);
    assert.equal((await engine.search(root, 'piece7', { limit: 1 })).results[0]?.file, 'src/part7.ts');
    // The failed run's fresh table was taken over and dropped: the next one is taken over anew.
    phase = 'observed';
    await indexed(engine, root, true);
    assert.ok(freshMerging.length >= 2 && freshMerging.every((value) => value === 0), `automerge of the fresh table: ${freshMerging.join(', ')}`);
    assert.equal(engine.store.search.ftsRowCount(id), rows);
  } finally {
    engine.close();
  }
});

test('a fresh table a killed forced re-index left is dropped by the next pass, which indexes as usual', { timeout: 60_000 }, async () => {
  const root = project('killed');
  const engine = newEngine(join(home.path, 'killed-home'));
  try {
    await indexed(engine, root);
    const id = engine.store.codebases.byRoot(root)!.id;
    // What a SIGKILL mid-run leaves: a fresh table nothing will swap in. The next (resumed, unforced) pass drops it.
    engine.store.rebuild.begin(id);
    writeFileSync(join(root, 'src', 'part3.ts'), 'export function renamedPiece() {}\n');
    await indexed(engine, root);
    assert.equal(hasFreshTable(engine.store, id), false);
    assert.equal((await engine.search(root, 'renamedPiece', { limit: 1 })).results[0]?.file, 'src/part3.ts');
  } finally {
    engine.close();
  }
});

test('a forced index of a codebase with nothing stored writes its live table only', { timeout: 60_000 }, async () => {
  const root = project('forced-first');
  const engineHome = join(home.path, 'forced-first-home');
  let sawFresh = false;
  const engine = newEngine(engineHome, { hooks: { afterBatch: () => Promise.resolve(void (sawFresh ||= hasFreshTable(engine.store, engine.store.codebases.byRoot(root)!.id))) } });
  try {
    await indexed(engine, root, true);
    const id = engine.store.codebases.byRoot(root)!.id;
    assert.equal(sawFresh, false);
    assert.equal(engine.store.search.ftsRowCount(id), engine.store.codebases.byId(id)!.chunkCount);
  } finally {
    engine.close();
  }
});
