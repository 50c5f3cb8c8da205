import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';
import { ServerProcess } from '../helpers/server-process.ts';

/*
 * `baton mcp` started without the allocator tuning (as an agent's MCP
 * configuration starts it) runs with it anyway: it starts itself again in
 * place (src/cli/malloc-restart.ts). /proc/<pid>/environ is the environment
 * the process image was started with, so it shows the second start.
 */
const cleanup = cleanedUpAfterTests();
const linux = process.platform === 'linux' && typeof process.execve === 'function';

function startedEnvironment(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

test('a server started without the allocator tuning runs with it, as the same process, and answers', { skip: !linux, timeout: 30_000 }, async () => {
  const home = cleanup.folder('malloc-home');
  const server = new ServerProcess(home, { GLIBC_TUNABLES: '' });
  cleanup.servers.push(server);
  const client = await server.connectClient();
  const { tools } = await client.listTools();
  assert.ok(tools.some((tool) => tool.name === 'search_code'));
  assert.equal(startedEnvironment(server.pid).get('GLIBC_TUNABLES'), 'glibc.malloc.mmap_threshold=131072');
  await client.close();
});

test("the user's own threshold is kept", { skip: !linux, timeout: 30_000 }, async () => {
  const home = cleanup.folder('malloc-home');
  // One tunable only: glibc 2.36 cuts the string it was started with at the first ":" while it parses it.
  const own = 'glibc.malloc.mmap_threshold=65536';
  const server = new ServerProcess(home, { GLIBC_TUNABLES: own });
  cleanup.servers.push(server);
  await server.waitForRole('leader');
  assert.equal(startedEnvironment(server.pid).get('GLIBC_TUNABLES'), own);
});
