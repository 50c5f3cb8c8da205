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

function openIndex(home: string): DatabaseSync {
  return new DatabaseSync(path.join(home, 'index.db'));
}

test('SIGKILL in the middle of indexing leaves a consistent index, and the next run completes it exactly', async () => {
  const child = spawn(process.execPath, [CLI, 'index', project.path], { env: { ...process.env, BATON_HOME: crashedHome.path }, stdio: 'ignore' });
  // Wait until some batches are committed, then kill without warning.
  let committed = 0;
  while (committed === 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      const db = openIndex(crashedHome.path);
      committed = (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
      db.close();
    } catch {
      // the database is not created yet
    }
  }
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
