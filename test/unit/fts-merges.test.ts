import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/engine/config.ts';
import { Engine } from '../../src/engine/engine.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { epochFence } from '../../src/engine/store/epochs.ts';
import { IndexStore } from '../../src/engine/store/index-store.ts';
import { tempFolder } from '../helpers/paths.ts';
import { oneChunkFile, writableStore } from '../helpers/store-fixture.ts';

const home = tempFolder('fts-merges');
after(() => home.remove());

/** Writes `commits` batches of 20 one-chunk files each, one commit apiece, as a full pass does. */
function writeCommits(store: IndexStore, codebaseId: number, commits: number, first = 0): void {
  for (let commit = first; commit < first + commits; commit++) {
    const files = Array.from({ length: 20 }, (_, index) => oneChunkFile(commit * 20 + index, `gear${commit % 3} shaft${index} common`));
    store.contents.applyBatch(codebaseId, files, []);
  }
}

/** Lets the event loop run `count` times (a scheduled step would have run by then). */
async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A folder `name` under the test home with `count` TypeScript files in src/, the nth holding `body(n)`. */
function project(name: string, count: number, body: (index: number) => string): string {
  const root = join(home.path, name);
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let index = 0; index < count; index++) writeFileSync(join(root, 'src', `part${index}.ts`), body(index));
  return root;
}

function automerge(store: IndexStore, codebaseId: number, table: 'fts' | 'symbols_fts' = 'fts'): number | undefined {
  const row = store.db.prepare(`SELECT v FROM ${table}_${codebaseId}_config WHERE k = 'automerge'`).get() as { v: number } | undefined;
  return row?.v;
}

/** Every chunk matching `common`, with its bm25, in rowid order: what merging must leave as it was. */
function ranking(store: IndexStore, codebaseId: number): string {
  return JSON.stringify(store.db.prepare(`SELECT rowid, bm25(fts_${codebaseId}) AS score FROM fts_${codebaseId} WHERE fts_${codebaseId} MATCH 'common OR gear1' ORDER BY rowid`).all());
}

test('with merging taken over, commits add a b-tree each; the steps merge them back down, the matches and scores unchanged', { timeout: 30_000 }, async () => {
  const { store, codebaseId: id } = writableStore(join(home.path, 'steps'));
  try {
    store.merges.takeOver(id);
    assert.equal(automerge(store, id), 0);
    writeCommits(store, id, 12);
    const unmerged = store.merges.segmentCount(id)!;
    assert.ok(unmerged >= 12, `one b-tree a commit, none merged: ${unmerged}`);
    const before = ranking(store, id);
    store.merges.written(id);
    await store.merges.whenIdle();
    const merged = store.merges.segmentCount(id)!;
    assert.ok(merged <= 3, `merged down to under 'usermerge' (4) b-trees a level: ${merged}`);
    assert.equal(ranking(store, id), before);
    store.merges.giveBack(id);
    assert.equal(automerge(store, id), 4);
  } finally {
    store.close();
  }
});

test("tidy merges a table FTS5's commits barely merged (small commits, as a rebuild makes), leaving automerge as it was", { timeout: 30_000 }, async () => {
  const { store, codebaseId: id } = writableStore(join(home.path, 'tidy'));
  try {
    writeCommits(store, id, 12);
    const before = store.merges.segmentCount(id)!;
    assert.ok(before >= 12, `automerge merged none of these small commits: ${before}`);
    store.merges.tidy(id);
    await store.merges.whenIdle();
    assert.ok(store.merges.segmentCount(id)! <= 3, `merged: ${store.merges.segmentCount(id)}`);
    assert.equal(automerge(store, id), undefined, 'never set: FTS5 keeps its default');
  } finally {
    store.close();
  }
});

test('a deposed writer stops merging without throwing or writing', { timeout: 30_000 }, async () => {
  const path = join(home.path, 'deposed');
  const { store, codebaseId: id } = writableStore(path);
  const successor = new IndexStore(openDatabase(path));
  try {
    store.merges.takeOver(id);
    writeCommits(store, id, 8);
    const unmerged = store.merges.segmentCount(id)!;
    assert.ok(unmerged >= 8, `something to merge: ${unmerged}`);
    const epoch = successor.epochs.claimNext();
    successor.setWriteFence(epochFence(epoch), epoch);
    store.merges.written(id);
    await store.merges.whenIdle();
    assert.equal(store.merges.segmentCount(id), unmerged, 'the fenced step wrote nothing');
  } finally {
    store.close();
    successor.close();
  }
});

test('closing the merger, or forgetting a codebase, drops the steps already scheduled', { timeout: 30_000 }, async () => {
  const { store, codebaseId: id } = writableStore(join(home.path, 'closing'));
  try {
    store.merges.takeOver(id);
    writeCommits(store, id, 8);
    const unmerged = store.merges.segmentCount(id)!;
    store.merges.written(id);
    store.merges.forget(id);
    await turns(5);
    assert.equal(store.merges.segmentCount(id), unmerged, 'forgotten: no step ran');
    store.merges.written(id);
    store.merges.close();
    await turns(5);
    assert.equal(store.merges.segmentCount(id), unmerged, 'closed: no step ran');
    store.merges.written(id); // after close: ignored
    await store.merges.whenIdle();
    assert.equal(store.merges.segmentCount(id), unmerged);
  } finally {
    store.close();
  }
});

test('a step finding the database locked by another process gives up at once, and the next write merges', { timeout: 30_000 }, async () => {
  const path = join(home.path, 'locked');
  const { store, codebaseId: id } = writableStore(path);
  const other = openDatabase(path);
  try {
    store.merges.takeOver(id);
    writeCommits(store, id, 8);
    const unmerged = store.merges.segmentCount(id)!;
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    store.merges.written(id);
    await store.merges.whenIdle();
    assert.ok(performance.now() - started < 1000, 'no wait for the lock (busy_timeout is 10 s)');
    other.exec('ROLLBACK');
    assert.equal(store.merges.segmentCount(id), unmerged, 'skipped while locked');
    writeCommits(store, id, 1, 8);
    store.merges.written(id);
    await store.merges.whenIdle();
    assert.ok(store.merges.segmentCount(id)! <= 3, `merged after the next write: ${store.merges.segmentCount(id)}`);
  } finally {
    if (other.isTransaction) other.exec('ROLLBACK');
    other.close();
    store.close();
  }
});

test('a full index merges in steps while it writes, and gives merging back to the commits when it ends', { timeout: 60_000 }, async () => {
  // Over four batches of 200 files: enough b-trees on one level for the steps to merge.
  const root = project('project', 1000, (index) => `export function part${index}(): number {\n  return ${index};\n}\n`);
  const engine = new Engine({ home: join(home.path, 'engine-home'), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 2000 }, { indexing: { workers: 0 }, soleWriter: true });
  try {
    await (await engine.startIndex(root, {})).done;
    const id = engine.store.codebases.byRoot(root)!.id;
    await engine.store.merges.whenIdle();
    assert.equal(automerge(engine.store, id), 4, 'given back after the pass');
    assert.equal(automerge(engine.store, id, 'symbols_fts'), 4, "the symbols' table too");
    assert.ok(engine.store.merges.segmentCount(id)! <= 3, `merged while it wrote: ${engine.store.merges.segmentCount(id)} b-trees`);
    assert.ok(engine.store.merges.segmentCount(id, 'symbols')! <= 3, `symbols merged too: ${engine.store.merges.segmentCount(id, 'symbols')} b-trees`);
  } finally {
    engine.close();
  }
});

test('a pass with nothing to write leaves merging alone, and gives it back if a killed pass left it off', { timeout: 60_000 }, async () => {
  const root = project('unchanged', 30, (index) => `export const part${index} = ${index};\n`);
  const engine = new Engine({ home: join(home.path, 'unchanged-home'), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 1000 }, { indexing: { workers: 0 }, soleWriter: true });
  try {
    await (await engine.startIndex(root, {})).done;
    const id = engine.store.codebases.byRoot(root)!.id;
    engine.store.db.exec(`INSERT INTO fts_${id}(fts_${id}, rank) VALUES('automerge', 7)`);
    await (await engine.startIndex(root, {})).done;
    assert.equal(automerge(engine.store, id), 7, 'nothing to write: merging was left alone');
    engine.store.db.exec(`INSERT INTO fts_${id}(fts_${id}, rank) VALUES('automerge', 0)`); // as a killed pass leaves it
    await (await engine.startIndex(root, {})).done;
    assert.equal(automerge(engine.store, id), 4, 'given back');
  } finally {
    engine.close();
  }
});

test('a pass that fails after a batch gives merging back too; during the pass the commits did not merge', { timeout: 60_000 }, async () => {
  const root = project('failing', 230, (index) => `export const piece${index} = ${index};\n`);
  const engineHome = join(home.path, 'failing-home');
  const store = new IndexStore(openDatabase(engineHome));
  const during: (number | undefined)[] = [];
  const engine = new Engine(
    { home: engineHome, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 1000 },
    {
      indexing: { workers: 0 },
      soleWriter: true,
      hooks: {
        afterBatch: () => {
          const id = store.codebases.byRoot(root)!.id;
          during.push(automerge(store, id), automerge(store, id, 'symbols_fts'));
          return Promise.reject(new Error('stopped by the test after a batch'));
        },
      },
    },
  );
  try {
    const outcome = await (await engine.startIndex(root, {})).done.then(
      (progress) => progress.message,
      (error: unknown) => (error as Error).message,
    );
    assert.match(outcome, /stopped by the test/);
    assert.deepEqual(during, [0, 0], "one batch, written with automerge off in both tables (the symbols' one made by the batch)");
    assert.equal(automerge(store, store.codebases.byRoot(root)!.id), 4, 'given back after the failure');
    assert.equal(automerge(store, store.codebases.byRoot(root)!.id, 'symbols_fts'), 4);
  } finally {
    store.close();
    engine.close();
  }
});
