import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

const servers: ServerProcess[] = [];
const home = tempFolder('lifetime');
after(async () => {
  for (const server of servers) if (!server.exited) server.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.waitForExit()));
  home.remove();
});

test('a stdio message over the 10 MB limit ends the session: the leader says why, exits and hands over the seat', async () => {
  const leader = new ServerProcess(home.path);
  servers.push(leader);
  await leader.waitForRole('leader');
  const follower = new ServerProcess(home.path);
  servers.push(follower);
  await follower.waitForRole('follower');

  leader.child.stdin.on('error', () => {}); // the pipe breaks when it exits mid-write
  // 11 MB without a newline: the SDK's read buffer overflows and it closes the transport.
  leader.child.stdin.write('x'.repeat(11 * 1024 * 1024));
  await leader.waitFor(() => leader.exited !== undefined, 'exit after the oversized message', 15_000).catch(async (error: unknown) => {
    if (!leader.exited) throw error;
  });
  assert.match(leader.stderr, /ReadBuffer exceeded maximum size/);
  assert.match(leader.stderr, /shutting down: the MCP client sent a message larger than the MCP SDK reads.*Send smaller requests/);
  assert.equal(leader.exited?.code, 1, 'a failed session is not a clean exit');
  assert.ok(leader.events.some((event) => event.event === 'seat-released'), 'the seat was released, not left to break');
  await follower.waitForRole('leader');
});
