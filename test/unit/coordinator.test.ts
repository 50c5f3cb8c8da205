import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Coordinator, type RoleChange } from '../../src/coordination/coordinator.ts';
import { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { PROTOCOL_VERSION } from '../../src/protocol/version.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function home(): string {
  const folder = tempFolder('coordinator');
  cleanups.push(() => folder.remove());
  return folder.path;
}

function coordinator(at: string): { coordinator: Coordinator; engine: Engine; changes: RoleChange[]; resigned: number[] } {
  const engine = new Engine({ home: at, maxFileBytes: 1 << 20, maxFiles: 50_000 });
  const coordinator = new Coordinator({ home: at, engine, label: 'unit coordinator', log: quiet, backgroundDuties: false });
  const changes: RoleChange[] = [];
  const resigned: number[] = [];
  coordinator.onRoleChange((change) => changes.push(change));
  coordinator.onResign((epoch) => resigned.push(epoch));
  cleanups.push(async () => {
    await coordinator.stop();
    engine.close();
  });
  return { coordinator, engine, changes, resigned };
}

test('alone on a home it leads: epoch claimed and recorded, leader.json published, writes run here; stop gives the seat up', async () => {
  const at = home();
  const { coordinator: c, engine, changes, resigned } = coordinator(at);
  await c.start();
  assert.equal(c.currentRole, 'leader');
  assert.deepEqual(changes.map((change) => [change.previousRole, change.role, change.epoch]), [['starting', 'leader', 1]]);
  const record = JSON.parse(readFileSync(path.join(at, 'leader.json'), 'utf8')) as { pid: number; epoch: number; protocol: number };
  assert.deepEqual([record.pid, record.epoch, record.protocol], [process.pid, 1, PROTOCOL_VERSION]);
  const writers = engine.store.db.prepare('SELECT epoch FROM writers').all() as { epoch: number }[];
  assert.deepEqual(writers.map((row) => row.epoch), [1]);

  let ranHere = false;
  const result = await c.write('clear', { path: '/nowhere' }, async () => {
    ranHere = true;
    return { root: '/nowhere', fileCount: 0, chunkCount: 0 };
  });
  assert.equal(ranHere, true);
  assert.equal(result.root, '/nowhere');

  await c.stop();
  assert.deepEqual(resigned, [1]);
  assert.equal(existsSync(path.join(at, 'leader.lock')), false, 'the seat is free for the next one at once');
  await assert.rejects(c.write('clear', { path: '/x' }, async () => ({ root: '/x', fileCount: 0, chunkCount: 0 })), (error: Error) => error instanceof UserError && /shutting down/.test(error.message));
});

test('beside a running leader it follows, forwards writes there, and leads when that leader dies', async () => {
  const at = home();
  const project = tempFolder('coordinator-project');
  cleanups.push(() => project.remove());
  writeTree(project.path, { 'a.ts': 'export function forwardedFromUnit() {}\n' });
  const leader = new ServerProcess(at);
  cleanups.push(async () => {
    if (!leader.exited) leader.kill('SIGKILL');
    await leader.waitForExit();
  });
  await leader.waitForRole('leader');

  const { coordinator: c, engine, changes } = coordinator(at);
  await c.start();
  assert.equal(c.currentRole, 'follower');
  assert.equal(c.leader?.pid, leader.pid);
  const forwarded = await c.write('index', { path: project.path }, async () => assert.fail('a follower must not run the write itself'));
  assert.equal(forwarded.root, project.path);

  leader.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while ((c.currentRole as string) !== 'leader') {
    assert.ok(Date.now() < deadline, 'took over within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(changes.map((change) => change.role), ['follower', 'leader']);
  assert.equal(changes[1]?.replaced?.pid, leader.pid, 'it names the leader it replaced');
  assert.ok(engine.store.epochs.current() >= 2);
});
