import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../helpers/cli.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot } from '../helpers/index-snapshot.ts';
import { ServerProcess, waitForAny } from '../helpers/server-process.ts';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';

const { servers: started, folder } = cleanedUpAfterTests();

/** Starts servers one after the other, so the first is the leader. */
async function cluster(home: string, count: number, leaderEnv: Record<string, string> = {}): Promise<ServerProcess[]> {
  const servers: ServerProcess[] = [];
  for (let i = 0; i < count; i++) {
    const server = new ServerProcess(home, i === 0 ? leaderEnv : {});
    started.push(server);
    servers.push(server);
    await server.waitForRole(i === 0 ? 'leader' : 'follower');
  }
  return servers;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

async function statusOf(client: Client, root: string): Promise<{ status: string; processedFiles: number; fileCount: number }> {
  return (await call(client, 'get_indexing_status', { path: root })).structuredContent as { status: string; processedFiles: number; fileCount: number };
}

async function waitUntilIndexed(client: Client, root: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await statusOf(client, root);
    if (status.status === 'indexed') return;
    assert.notEqual(status.status, 'failed');
    if (Date.now() > deadline) throw new Error(`${root} not indexed within ${timeoutMs} ms (${status.processedFiles} files done)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('index_codebase through a follower runs in the leader and reports progress to the follower', async () => {
  const home = folder('fwd-home');
  const project = folder('fwd-project');
  writeTree(project, generatedTree(300));
  const [leader, follower] = await cluster(home, 2);
  const client = await follower!.connectClient();
  const notes: { progress: number; total?: number }[] = [];
  const result = (await client.callTool(
    { name: 'index_codebase', arguments: { path: project, waitForCompletion: true } },
    undefined,
    { onprogress: (progress) => notes.push(progress) },
  )) as CallToolResult;
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
  assert.equal((result.structuredContent as { status: string }).status, 'indexed');
  assert.ok(notes.length >= 1 && notes.every((note) => note.total === 300), JSON.stringify(notes));
  assert.match(leader!.stderr, /follower connected/);
  // The rows were written by the leader's epoch, not by the follower.
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  const epochs = db.prepare('SELECT DISTINCT writer_epoch AS e FROM files').all() as { e: number }[];
  db.close();
  assert.deepEqual(epochs.map((row) => row.e), [leader!.roleEvents.at(-1)!.epoch]);
  const search = await call(client, 'search_code', { path: project, query: 'operation12x3' });
  assert.equal((search.structuredContent as { results: { file: string }[] }).results[0]?.file, 'pkg12/module12.ts');
  await client.close();
});

test('killing the leader mid-index: followers keep searching, the next leader finishes the job, and the index equals a clean one', async () => {
  const home = folder('durable-home');
  const project = folder('durable-project');
  writeTree(project, { ...generatedTree(2500), 'src/config.ts': SAMPLE_PROJECT['src/config.ts']! });
  // A small indexed codebase to search while the big one is indexed and leadership moves. Indexed
  // before the cluster starts: the leader's hook holds the first batch of its first full run, which
  // must be the big one's (a slow start can commit the small one's first file alone, on time).
  const small = folder('durable-small');
  writeTree(small, SAMPLE_PROJECT);
  const smallIndexed = await runCli(home, ['index', small]);
  assert.equal(smallIndexed.code, 0, smallIndexed.stderr);
  const [leader, requester, searcher] = await cluster(home, 3, { BATON_TEST_HOOKS: 'first-batch' });
  const requestClient = await requester!.connectClient();
  const searchClient = await searcher!.connectClient();

  const accepted = await call(requestClient, 'index_codebase', { path: project });
  assert.equal(accepted.isError, undefined, JSON.stringify(accepted.content));

  let searching = true;
  let searches = 0;
  const searchErrors: string[] = [];
  const searchLoop = (async () => {
    while (searching) {
      const result = await call(searchClient, 'search_code', { path: small, query: 'parseConfig' });
      if (result.isError || (result.structuredContent as { results: unknown[] }).results.length === 0) searchErrors.push(JSON.stringify(result.content));
      searches++;
    }
  })();

  // The leader's hook holds its run after the first committed batch: it dies mid-index every time.
  await leader!.waitFor(() => leader!.stderr.includes('"hook":"first-batch"'), 'the first committed batch');
  assert.ok((await statusOf(searchClient, project)).processedFiles < 2501, 'the run is still going');
  await waitForAny(() => searches > 0, 'a first search during the run');
  const searchesBeforeKill = searches;
  leader!.kill('SIGKILL');
  await waitForAny(() => [requester!, searcher!].some((server) => server.role === 'leader'), 'a new leader');
  await waitUntilIndexed(searchClient, project);
  searching = false;
  await searchLoop;
  assert.deepEqual(searchErrors, []);
  assert.ok(searches > searchesBeforeKill, 'searches went on through the failover');
  const newLeader = [requester!, searcher!].find((server) => server.role === 'leader')!;
  assert.match(newLeader.stderr, /resumed unfinished indexing/);

  const cleanHome = folder('durable-clean');
  const clean = await runCli(cleanHome, ['index', project]);
  assert.equal(clean.code, 0, clean.stderr);
  const resumed = indexSnapshot(home, project);
  assert.equal(resumed.files.length, 2501);
  assert.deepEqual(resumed, indexSnapshot(cleanHome, project));
  await requestClient.close();
  await searchClient.close();
});

test('a frozen leader (SIGSTOP) is replaced after the stale time; after SIGCONT its writes are refused and it follows', async () => {
  const home = folder('stop-home');
  const first = folder('stop-first');
  const second = folder('stop-second');
  writeTree(first, SAMPLE_PROJECT);
  writeTree(second, { 'src/late.ts': 'export function writtenAfterFreeze() { return 1; }\n' });
  const [frozen, other] = await cluster(home, 2, { BATON_TEST_HOOKS: 'merges-idle' });
  const frozenClient = await frozen!.connectClient();
  const indexed = await call(frozenClient, 'index_codebase', { path: first, waitForCompletion: true });
  assert.equal(indexed.isError, undefined);
  const frozenEpoch = frozen!.roleEvents.at(-1)!.epoch;

  // Frozen while it writes nothing: stopped inside a merge step's transaction, it would hold the
  // database's write lock, and no leader could write until it went on.
  await frozen!.waitFor(() => frozen!.stderr.includes('"hook":"merges-idle"'), 'the run and its merge steps done');
  frozen!.kill('SIGSTOP');
  await other!.waitForRole('leader');
  const newEpoch = other!.roleEvents.at(-1)!.epoch;
  assert.ok(newEpoch > frozenEpoch);

  // A write reaches the frozen process while it is stopped; it runs it when it resumes.
  const pending = call(frozenClient, 'index_codebase', { path: second, waitForCompletion: true });
  frozen!.kill('SIGCONT');
  await frozen!.waitForRole('follower');
  const result = await pending;
  assert.equal(result.isError, undefined, `forwarded to the new leader, not refused: ${JSON.stringify(result.content)}`);
  assert.equal((result.structuredContent as { status: string }).status, 'indexed');

  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  const secondRows = db
    .prepare('SELECT c.writer_epoch AS codebaseEpoch, f.writer_epoch AS fileEpoch FROM codebases c JOIN files f ON f.codebase_id = c.id WHERE c.root = ?')
    .all(second) as { codebaseEpoch: number; fileEpoch: number }[];
  const storedEpoch = Number((db.prepare("SELECT value FROM meta WHERE key = 'epoch'").get() as { value: string }).value);
  db.close();
  assert.ok(secondRows.length > 0);
  assert.ok(secondRows.every((row) => row.codebaseEpoch === newEpoch && row.fileEpoch === newEpoch), JSON.stringify(secondRows));
  assert.equal(storedEpoch, newEpoch, 'the deposed leader never claimed another epoch');
  assert.match(frozen!.stderr, /stepping down/);
  await frozenClient.close();
});

test('garbage on the endpoint leaves the leader unharmed', async () => {
  const home = folder('garbage-home');
  const project = folder('garbage-project');
  writeTree(project, SAMPLE_PROJECT);
  const [leader, follower] = await cluster(home, 2);
  const endpoint = (JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(path.join(home, 'leader.json'), 'utf8'))) as { endpoint: string }).endpoint;

  const exchange = (payload: string | Buffer): Promise<{ reply: string; closed: boolean }> =>
    new Promise((resolve) => {
      const socket = net.connect(endpoint);
      let reply = '';
      socket.on('data', (data) => {
        reply += data.toString();
        if (reply.includes('\n')) {
          socket.destroy();
          resolve({ reply, closed: false });
        }
      });
      socket.on('close', () => resolve({ reply, closed: true }));
      socket.on('error', () => undefined);
      socket.on('connect', () => socket.write(payload));
    });

  const notJson = await exchange('this is not json\n');
  assert.match(notJson.reply, /"kind":"bad-request"/);
  const unknown = await exchange(`${JSON.stringify({ id: 7, method: 'format-disk', params: {} })}\n`);
  assert.match(unknown.reply, /"id":7.*"bad-request"/);
  const badParams = await exchange(`${JSON.stringify({ id: 8, method: 'index', params: { path: 42 } })}\n`);
  assert.match(badParams.reply, /"id":8.*"bad-request"/);
  const oversize = await exchange(Buffer.alloc(2 * 1024 * 1024, 0x61));
  assert.equal(oversize.closed, true, 'an oversize line closes the connection');
  const silent = net.connect(endpoint); // connects and never speaks
  silent.on('error', () => undefined);

  const client = await follower!.connectClient();
  const result = await call(client, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
  assert.equal(leader!.role, 'leader');
  assert.equal(leader!.exited, undefined);
  silent.destroy();
  await client.close();
});

test('an unwritable BATON_HOME gives a clear error', async () => {
  const parent = folder('unwritable');
  const blocker = path.join(parent, 'a-file');
  writeTree(parent, { 'a-file': 'not a folder' });
  const result = await runCli(path.join(blocker, 'home'), ['index', parent]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /BATON_HOME .* (is not a writable folder|writable)/);
  const server = new ServerProcess(path.join(blocker, 'home'));
  started.push(server);
  await server.waitForExit();
  assert.equal(server.exited?.code, 1);
  assert.match(server.stderr, /BATON_HOME/);
});

test('a lock folder deleted by hand leads to a clean re-election', async () => {
  const home = folder('deleted-lock');
  const servers = await cluster(home, 3);
  const firstEpoch = servers[0]!.roleEvents.at(-1)!.epoch;
  const { rmSync } = await import('node:fs');
  rmSync(path.join(home, 'leader.lock'), { recursive: true, force: true });
  // The leader notices at its next refresh, steps down, and the election runs again.
  await waitForAny(
    () => servers.some((server) => server.roleEvents.some((event) => event.role === 'leader' && event.epoch > firstEpoch)),
    'a re-election after the lock folder vanished',
  );
  await waitForAny(() => servers.filter((server) => server.role === 'leader').length === 1 && servers.every((server) => server.role !== undefined), 'one leader');
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(path.join(home, 'leader.lock')), 'the new leader holds a lock folder again');
});
