import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { UserError } from '../../src/engine/errors.ts';
import { ConnectionLostError, LeaderConnection, LeaderRequestError } from '../../src/coordination/leader-connection.ts';
import { IncompatiblePeerError, LeaderEndpoint, NotLeaderError, type RequestHandler } from '../../src/coordination/leader-endpoint.ts';
import type { LeaderInfo } from '../../src/protocol/leader.ts';
import { tempFolder } from '../helpers/paths.ts';

const folder = tempFolder('endpoint');
const address = path.join(folder.path, 'leader-1.sock');
const leader: LeaderInfo = { pid: 4242, host: 'here', epoch: 7, endpoint: address, label: 'test leader', startedAt: 1, protocol: 2, version: '9.9.9' };
let mode: 'normal' | 'not-leader' | 'incompatible' | 'slow' = 'normal';
const problems: string[] = [];
let endpoint: LeaderEndpoint;

const handler: RequestHandler = async (request) => {
  if (request.method === 'hello') {
    if (mode === 'incompatible') throw new IncompatiblePeerError('reload the window');
    return { leader } as never;
  }
  if (mode === 'not-leader') throw new NotLeaderError('stepped down');
  if (request.method === 'clear') throw new UserError(`nothing to clear at ${(request.params as { path: string }).path}`);
  if (request.method === 'refresh') throw new Error('disk on fire');
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 50));
  return { root: (request.params as { path: string }).path, fileCount: 3, chunkCount: 9 } as never;
};

before(async () => {
  endpoint = await LeaderEndpoint.listen(address, handler, (message) => problems.push(message));
});
after(async () => {
  await endpoint.close();
  folder.remove();
});

const hello = { pid: 99, label: 'unit follower', protocol: 2, version: '9.9.9' };

test('hello names the leader; requests are answered by id, even out of order', async () => {
  mode = 'normal';
  const connection = await LeaderConnection.open(address, hello);
  assert.deepEqual(connection.leader, leader);
  const answers = await Promise.all([connection.request('index', { path: '/a' }), connection.request('index', { path: '/b' })]);
  assert.deepEqual(answers.map((answer) => answer.root), ['/a', '/b']);
  connection.close();
});

test('errors keep their kind: a user error, an internal one, not-leader', async () => {
  mode = 'normal';
  const connection = await LeaderConnection.open(address, hello);
  await assert.rejects(connection.request('clear', { path: '/x' }), (error: Error) => error instanceof UserError && /nothing to clear at \/x/.test(error.message));
  await assert.rejects(connection.request('refresh', { path: '/x', files: [] }), (error: Error) => error instanceof LeaderRequestError && error.kind === 'internal');
  assert.ok(problems.some((problem) => /disk on fire/.test(problem)), 'internal errors are logged by the leader');
  mode = 'not-leader';
  await assert.rejects(connection.request('index', { path: '/x' }), (error: Error) => error instanceof LeaderRequestError && error.kind === 'not-leader');
  connection.close();
});

test('an incompatible follower is refused at hello with the reason, and hears no events', async () => {
  mode = 'incompatible';
  await assert.rejects(LeaderConnection.open(address, hello), (error: Error) => error instanceof LeaderRequestError && error.kind === 'incompatible' && /reload/.test(error.message));
  assert.equal(endpoint.followerCount, 0);
});

test('events reach greeted followers; a closed endpoint fails pending requests with ConnectionLostError', async () => {
  mode = 'slow';
  const second = path.join(folder.path, 'leader-2.sock');
  const temporary = await LeaderEndpoint.listen(second, handler, () => {});
  const connection = await LeaderConnection.open(second, hello);
  const events: string[] = [];
  connection.onEvent((event) => events.push(event.event));
  let closed = false;
  connection.onClose(() => (closed = true));
  temporary.broadcast({ event: 'leader', leader });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(events, ['leader']);
  const pending = connection.request('index', { path: '/slow' });
  await temporary.close();
  await assert.rejects(pending, ConnectionLostError);
  assert.equal(closed, true);
  await assert.rejects(connection.request('index', { path: '/after' }), ConnectionLostError);
});

test('a request too large for the endpoint is refused before it is sent, and the connection stays', async () => {
  mode = 'normal';
  const connection = await LeaderConnection.open(address, hello);
  await assert.rejects(connection.request('index', { path: '/x', ignorePatterns: ['y'.repeat(2 * 1024 * 1024)] }), (error: Error) => error instanceof UserError && /too large/.test(error.message));
  assert.equal(connection.isOpen, true);
  assert.equal((await connection.request('index', { path: '/still' })).root, '/still');
  connection.close();
});

test('garbage gets an error reply or costs the sender its connection, never the endpoint', async () => {
  mode = 'normal';
  const socket = net.connect(address);
  await new Promise((resolve) => socket.once('connect', resolve));
  const replies: string[] = [];
  socket.on('data', (data: Buffer) => replies.push(data.toString()));
  socket.write('not json\n{"id":5,"method":"nope"}\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const lines = replies.join('').trim().split('\n').map((line) => JSON.parse(line) as { id: number | null; ok: boolean; error: { kind: string } });
  assert.deepEqual(lines.map((line) => [line.id, line.ok, line.error.kind]), [[null, false, 'bad-request'], [5, false, 'bad-request']]);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(`${'x'.repeat(1024 * 1024 + 10)}\n`);
  await closed;
  const connection = await LeaderConnection.open(address, hello);
  assert.equal(connection.leader.pid, 4242, 'the endpoint still serves');
  connection.close();
});
