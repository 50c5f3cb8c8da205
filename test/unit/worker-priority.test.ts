import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createDeriver } from '../../src/engine/indexing/derive-pool.ts';
import { languageOf } from '../../src/engine/languages.ts';
import { lowerThisThreadsPriority, WORKER_NICE } from '../../src/engine/indexing/worker-priority.ts';
import { tempFolder } from '../helpers/paths.ts';
import { writeTree } from '../helpers/fixture-repo.ts';

/** Each thread of this process with its nice value (Linux's /proc: field 19 of a task's stat). */
function threadNiceness(): { tid: number; name: string; nice: number }[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(tid), name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) };
  });
}

test('a derive worker runs at a lower priority than the thread that answers the election, IPC and MCP', { skip: process.platform !== 'linux' && 'nice values are per thread only on Linux' }, async () => {
  const project = tempFolder('priority-project');
  writeTree(project.path, { 'src/a.ts': 'export function a(): number {\n  return 1;\n}\n' });
  const pool = createDeriver({ workers: 2 });
  try {
    const request = { absolutePath: `${project.path}/src/a.ts`, path: 'src/a.ts', language: languageOf('src/a.ts')!, splitter: 'ast' as const, maxBytes: 1 << 20 };
    // Two at once: the pool starts its second worker while the first is busy.
    const files = await Promise.all([pool.derive(request), pool.derive(request)]);
    assert.ok(files.every((file) => file.kind === 'chunked' || file.kind === 'text'), 'both files were derived');
    const lowered = threadNiceness().filter((thread) => thread.nice === WORKER_NICE);
    // Not libuv's thread pool, which the main thread's file operations share, though a worker's reads may have started it.
    assert.deepEqual(lowered.map((thread) => thread.name), ['WorkerThread', 'WorkerThread'], 'both worker threads, and only they, are at the workers\' nice value');
    const threads = threadNiceness();
    assert.equal(threads.find((thread) => thread.tid === process.pid)?.nice, 0, 'the main thread keeps its priority');
  } finally {
    await pool.close();
    project.remove();
  }
});

test('the priority is left alone where a nice value belongs to the whole process', () => {
  assert.equal(lowerThisThreadsPriority('darwin'), false);
  assert.equal(lowerThisThreadsPriority('win32'), false);
});
