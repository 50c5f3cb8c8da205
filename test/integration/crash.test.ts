import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot as snapshot } from '../helpers/index-snapshot.ts';
import { CLI, tempFolder } from '../helpers/paths.ts';

const project = tempFolder('crash-project');
const crashedHome = tempFolder('crash-home');
const cleanHome = tempFolder('clean-home');

before(() => {
  writeTree(project.path, generatedTree(1500));
});

after(() => {
  project.remove();
  crashedHome.remove();
  cleanHome.remove();
});

/** Resolves when the stream has printed `text` (fails after `timeoutMs`, or if the stream ends first). */
function untilLine(stream: NodeJS.ReadableStream, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms: ${seen.slice(-500)}`)), timeoutMs);
    stream.on('data', (data: Buffer) => {
      seen += data.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on('end', () => reject(new Error(`the stream ended before "${text}": ${seen.slice(-500)}`)));
  });
}

function openIndex(home: string): DatabaseSync {
  return new DatabaseSync(path.join(home, 'index.db'));
}

test('SIGKILL in the middle of indexing leaves a consistent index, and the next run completes it exactly', async () => {
  // The hook holds the run right after its first committed batch: the kill lands mid-index every time.
  const child = spawn(process.execPath, [CLI, 'index', project.path], {
    env: { ...process.env, BATON_HOME: crashedHome.path, BATON_TEST_HOOKS: 'first-batch' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await untilLine(child.stderr, '"hook":"first-batch"', 30_000);
  child.kill('SIGKILL');
  await once(child, 'exit');

  const db = openIndex(crashedHome.path);
  try {
    assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    const codebase = db.prepare('SELECT id, status FROM codebases').get() as { id: number; status: string };
    assert.equal(codebase.status, 'indexing', 'the run was interrupted');
    const files = (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    assert.ok(files > 0 && files < 1500, `partially indexed: ${files} files`);
    const chunkRows = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    const declared = (db.prepare('SELECT coalesce(sum(chunk_count), 0) AS n FROM files').get() as { n: number }).n;
    const ftsRows = (db.prepare(`SELECT count(*) AS n FROM fts_${codebase.id}`).get() as { n: number }).n;
    assert.equal(chunkRows, declared, 'every committed file has all its chunks');
    assert.equal(ftsRows, chunkRows, 'search terms match chunks');
  } finally {
    db.close();
  }

  const resumed = await runCli(crashedHome.path, ['index', project.path]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /1500 files/);
  const clean = await runCli(cleanHome.path, ['index', project.path]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual(snapshot(crashedHome.path), snapshot(cleanHome.path));
});
