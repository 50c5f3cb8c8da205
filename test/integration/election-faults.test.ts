import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, watch } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { BATON_VERSION, PROTOCOL_VERSION } from '../../src/protocol/version.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess, waitForAny } from '../helpers/server-process.ts';

const servers: ServerProcess[] = [];
const homes: { remove: () => void }[] = [];
after(async () => {
  for (const server of servers) {
    if (server.exited) continue;
    server.kill('SIGCONT');
    server.kill('SIGKILL');
  }
  await Promise.all(servers.map((server) => server.waitForExit()));
  for (const home of homes) home.remove();
});

function newHome(): string {
  const home = tempFolder('election-faults');
  homes.push(home);
  return home.path;
}

function start(home: string, env: Record<string, string> = {}): ServerProcess {
  const server = new ServerProcess(home, env);
  servers.push(server);
  return server;
}

/** Resolves with how many times `name` was created in `folder` during `ms` (inotify events, not polling). */
function creationsDuring(folder: string, name: string, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let count = 0;
    const watcher = watch(folder, (type, file) => {
      if (type === 'rename' && file === name) count++;
    });
    setTimeout(() => {
      watcher.close();
      resolve(count);
    }, ms);
  });
}

test('a take-over of a frozen leader that dies meanwhile ends in one leader, with no election left running', async () => {
  const home = newHome();
  const frozen = start(home);
  await frozen.waitForRole('leader');
  const follower = start(home, { BATON_TEST_HOOKS: 'takeover' });
  await follower.waitForRole('follower');

  frozen.kill('SIGSTOP');
  // After the stale time the follower's safety net decides to take over, and waits at the hook.
  await follower.waitFor(() => follower.stderr.includes('"hook":"takeover"'), 'the take-over hook', 20_000);
  frozen.kill('SIGKILL'); // the connection closes while the take-over is under way
  await frozen.waitForExit();
  follower.kill('SIGUSR2');
  await follower.waitForRole('leader');

  // A second election racing the take-over for our own seat would take the breaker every 250 ms forever.
  const breakerTaken = await creationsDuring(home, 'breaker.lock', 1500);
  assert.equal(breakerTaken, 0, 'no election runs once the seat is taken');
  const late = start(home);
  await late.waitForRole('follower');
  assert.equal(follower.role, 'leader');
});

test('a leader that cannot claim an epoch gives the seat back, and leads once the index is usable again', async () => {
  const home = newHome();
  const first = start(home);
  await first.waitForRole('leader');
  await first.closeClient();
  // Break the epoch claim itself with something other than SQLITE_BUSY: a trigger refuses its write.
  const db = new DatabaseSync(path.join(home, 'index.db'));
  db.exec("CREATE TRIGGER refuse_epoch BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'epoch claims refused by the test'); END");
  const server = start(home);
  await server.waitFor(() => /could not claim the next epoch/.test(server.stderr), 'the failed claim');
  assert.equal(server.role, undefined, 'it never announced itself as leader');
  db.exec('DROP TRIGGER refuse_epoch');
  db.close();
  await waitForAny(() => server.role === 'leader', 'the retried election succeeds once the table is back', 20_000);
});

test('a leader refuses the hello of a follower whose protocol is too old, saying which window to reload', async () => {
  const home = newHome();
  const leader = start(home);
  await leader.waitForRole('leader');
  const record = JSON.parse(readFileSync(path.join(home, 'leader.json'), 'utf8')) as { endpoint: string; protocol: number; version: string };
  assert.equal(record.protocol, PROTOCOL_VERSION);
  assert.equal(record.version, BATON_VERSION);
  const socket = net.connect(record.endpoint);
  await once(socket, 'connect');
  socket.write(`${JSON.stringify({ id: 0, method: 'hello', params: { pid: 4242, label: 'VS Code — ancient', protocol: 0, version: '0.0.1' } })}\n`);
  const [line] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  const answer = JSON.parse(line.toString()) as { ok: boolean; error: { kind: string; message: string } };
  assert.equal(answer.ok, false);
  assert.equal(answer.error.kind, 'incompatible');
  assert.match(answer.error.message, /VS Code — ancient.*Reload that VS Code window/s);
});
