import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { createDeriver, DeriveFailedError } from '../../src/engine/indexing/derive-pool.ts';
import { withTerms, type DeriveRequest } from '../../src/engine/indexing/file-derivation.ts';
import { languageOf } from '../../src/engine/languages.ts';
import { SAMPLES } from '../fixtures/chunker/samples.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot } from '../helpers/index-snapshot.ts';
import { tempFolder } from '../helpers/paths.ts';

const project = tempFolder('pool-project');
const samples: Record<string, string> = {};
before(() => {
  for (const [language, sample] of Object.entries(SAMPLES)) samples[`samples/${language}/${sample.path}`] = sample.text;
  writeTree(project.path, { ...SAMPLE_PROJECT, ...samples, ...generatedTree(60, 3) });
});
after(() => project.remove());

function requests(): DeriveRequest[] {
  return Object.keys(samples).map((file) => ({
    absolutePath: `${project.path}/${file}`,
    path: file,
    language: languageOf(file)!,
    splitter: 'ast' as const,
    maxBytes: 1 << 20,
  }));
}

test('worker threads derive exactly what this thread derives: chunks, lines, terms, symbols, role', async () => {
  // One worker leaves the search terms to the thread that writes; two make their own.
  for (const [workers, kind] of [[1, 'chunked'], [2, 'text']] as const) {
    const inThread = createDeriver({ workers: 0 });
    const pool = createDeriver({ workers });
    try {
      const all = requests();
      assert.ok(all.length >= 12, 'every language sample');
      const [here, there] = await Promise.all([Promise.all(all.map((request) => inThread.derive(request))), Promise.all(all.map((request) => pool.derive(request)))]);
      assert.ok(there.every((file) => file.kind === kind), `${workers} worker(s) send ${kind} files`);
      assert.deepEqual(there.map(withTerms), here);
      assert.ok(here.every((file) => file.kind === 'text' && file.chunks.length > 0));
    } finally {
      await pool.close();
      await inThread.close();
    }
  }
});

test('an index built by worker threads equals one built in this thread', async () => {
  const snapshots = [];
  for (const workers of [0, 1, 2]) {
    const home = tempFolder(`pool-home-${workers}`);
    const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers } });
    try {
      const final = await (await engine.startIndex(project.path)).done;
      assert.equal(final.phase, 'done', final.message);
      const terms = engine.store.db.prepare(`SELECT count(*) AS n FROM fts_${engine.listCodebases()[0]!.id}`).get() as { n: number };
      const symbols = engine.store.db.prepare('SELECT s.definitions || s.refs AS symbols FROM file_symbols s JOIN files f ON f.id = s.file_id ORDER BY f.path').all() as { symbols: string }[];
      snapshots.push({ index: indexSnapshot(home.path, project.path), terms: terms.n, symbols: symbols.map((row) => row.symbols) });
    } finally {
      engine.close();
      home.remove();
    }
  }
  assert.deepEqual(snapshots[1], snapshots[0]);
  assert.deepEqual(snapshots[2], snapshots[0]);
});

test('a worker that dies in the middle of a file fails that file with a reason; the run goes on and the next run retries it', async () => {
  const victim = Object.keys(samples)[3]!;
  const home = tempFolder('pool-crash-home');
  process.env.BATON_TEST_WORKER_CRASH_ON = victim;
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers: 1 } });
  try {
    const final = await (await engine.startIndex(project.path)).done;
    assert.equal(final.phase, 'done', final.message);
    assert.match(final.message, /1 could not be parsed \(tried again on the next index\)/);
    const stored = engine.store.db.prepare('SELECT count(*) AS n FROM files WHERE path = ?').get(victim) as { n: number };
    assert.equal(stored.n, 0, 'not recorded as indexed, so the next run takes it');
    const indexed = engine.store.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number };
    assert.ok(indexed.n > Object.keys(samples).length, 'every other file is in');
  } finally {
    delete process.env.BATON_TEST_WORKER_CRASH_ON;
    engine.close();
  }
  // Workers copy the environment when they start: a fresh engine's workers no longer crash.
  const next = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers: 1 } });
  try {
    const again = await (await next.startIndex(project.path)).done;
    assert.match(again.message, /^1 files indexed/);
  } finally {
    next.close();
    home.remove();
  }
});

test('a crash rejects with DeriveFailedError naming the file, and the pool starts a new worker for the next one', async () => {
  const [victim, next] = requests();
  process.env.BATON_TEST_WORKER_CRASH_ON = victim!.path;
  const pool = createDeriver({ workers: 1 });
  try {
    await assert.rejects(pool.derive(victim!), (error: Error) => error instanceof DeriveFailedError && error.message.includes(victim!.path) && /exited \(code 70\)/.test(error.message));
    const result = await pool.derive(next!);
    assert.equal(result.kind, 'chunked'); // derived: a lone worker leaves the terms to this thread
  } finally {
    delete process.env.BATON_TEST_WORKER_CRASH_ON;
    await pool.close();
  }
});
