import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createDeriver } from '../../src/engine/indexing/derive-pool.ts';
import { WORKER_NICE } from '../../src/engine/indexing/worker-priority.ts';
import { languageOf } from '../../src/engine/languages.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

/** Each thread of this process: its name and nice value (Linux /proc). */
function threads(): { name: string; nice: number }[] {
  return readdirSync(`/proc/${process.pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: readFileSync(`/proc/${process.pid}/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) };
  });
}

test('index workers run at a lower priority; the thread that answers the election and MCP does not', { skip: process.platform !== 'linux' }, async () => {
  const project = tempFolder('priority-project');
  const pool = createDeriver({ workers: 1 });
  try {
    writeTree(project.path, { 'a.ts': 'export function lowered() { return 1; }\n' });
    const derived = await pool.derive({ absolutePath: `${project.path}/a.ts`, path: 'a.ts', language: languageOf('a.ts')!, splitter: 'ast', maxBytes: 1 << 20 });
    assert.equal(derived.kind, 'text');
    const all = threads();
    assert.equal(all.find((thread) => thread.name === 'MainThread' || thread.name.startsWith('node'))?.nice ?? all[0]!.nice, 0, 'the main thread keeps its priority');
    assert.ok(all.some((thread) => thread.nice === WORKER_NICE), `a thread at nice ${WORKER_NICE}: ${JSON.stringify(all)}`);
    assert.equal(all.filter((thread) => thread.nice !== 0).length, 1, `only the one worker: ${JSON.stringify(all)}`);
  } finally {
    await pool.close();
    project.remove();
  }
});
