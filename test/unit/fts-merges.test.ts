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

function automerge(store: IndexStore, codebaseId: number): number | undefined {
  const row = store.db.prepare(`SELECT v FROM fts_${codebaseId}_config WHERE k = 'automerge'`).get() as { v: number } | undefined;
  return row?.v;
}

/** Every chunk matching `common`, with its bm25, in rowid order: what merging must leave as it was. */
function ranking(store: IndexStore, codebaseId: number): string {
  return JSON.stringify(store.db.prepare(`SELECT rowid, bm25(fts_${codebaseId}) AS score FROM fts_${codebaseId} WHERE fts_${codebaseId} MATCH 'common OR gear1' ORDER BY rowid`).all());
}

test('with merging taken over, commits add a b-tree each; the steps merge them back down, the matches and scores unchanged', async () => {
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

test('a deposed writer stops merging without throwing or writing; closing the store drops the steps still due', async () => {
  const path = join(home.path, 'deposed');
  const { store, codebaseId: id } = writableStore(path);
  const successor = new IndexStore(openDatabase(path));
  try {
    store.merges.takeOver(id);
    writeCommits(store, id, 8);
    const unmerged = store.merges.segmentCount(id)!;
    const epoch = successor.epochs.claimNext();
    successor.setWriteFence(epochFence(epoch), epoch);
    store.merges.written(id);
    await store.merges.whenIdle();
    assert.equal(store.merges.segmentCount(id), unmerged, 'the fenced step wrote nothing');

    successor.merges.written(id);
    successor.close();
    await successor.merges.whenIdle(); // settles at once: nothing runs after close
  } finally {
    store.close();
    if (successor.db.isOpen) successor.close();
  }
});

test('a full index gives merging back to the commits when it ends, and a no-change run never takes it', async () => {
  const root = join(home.path, 'project');
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let index = 0; index < 30; index++) writeFileSync(join(root, 'src', `part${index}.ts`), `export function part${index}(): number {\n  return ${index};\n}\n`);
  const engine = new Engine({ home: join(home.path, 'engine-home'), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 1000 }, { indexing: { workers: 0 }, soleWriter: true });
  const store = new IndexStore(openDatabase(join(home.path, 'engine-home')));
  try {
    await (await engine.startIndex(root, {})).done;
    const id = store.codebases.byRoot(root)!.id;
    assert.equal(automerge(store, id), 4, 'given back after the pass');
    store.db.exec(`INSERT INTO fts_${id}(fts_${id}, rank) VALUES('automerge', 7)`);
    await (await engine.startIndex(root, {})).done;
    assert.equal(automerge(store, id), 7, 'nothing to write: merging was left alone');
  } finally {
    store.close();
    engine.close();
  }
});

test('a pass that fails after a batch gives merging back too; during the pass the commits did not merge', async () => {
  const root = join(home.path, 'failing');
  mkdirSync(join(root, 'src'), { recursive: true });
  for (let index = 0; index < 230; index++) writeFileSync(join(root, 'src', `piece${index}.ts`), `export const piece${index} = ${index};\n`);
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
          during.push(automerge(store, store.codebases.byRoot(root)!.id));
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
    assert.deepEqual(during, [0], 'one batch, written with automerge off');
    assert.equal(automerge(store, store.codebases.byRoot(root)!.id), 4, 'given back after the failure');
  } finally {
    store.close();
    engine.close();
  }
});
