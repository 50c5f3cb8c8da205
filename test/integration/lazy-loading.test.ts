import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { PROJECT_ROOT } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';

/*
 * "Load nothing it does not need until it leads": a follower searches, but
 * never indexes, watches or serves HTTP, so the code for that (tree-sitter,
 * the chunker, runs and scans, worker threads, git, the file watch, the HTTP
 * transport) must stay unloaded until it takes the seat. The follower runs
 * from source with a preload that records every module it imports; the
 * bundle keeps the same boundaries (esbuild initializes a dynamically
 * imported module when the import runs).
 */

const SOURCE_CLI = path.join(PROJECT_ROOT, 'src', 'cli', 'cli.ts');
const PROBE = path.join(PROJECT_ROOT, 'test', 'helpers', 'module-probe.ts');

/** What only a writer (or an HTTP server) needs. */
const WRITER_ONLY = [
  '/src/engine/chunk/grammars.ts',
  '/@vscode/tree-sitter-wasm/',
  '/src/engine/chunk/chunker.ts',
  '/src/engine/indexing/index-runs.ts',
  '/src/engine/indexing/derive-pool.ts',
  '/src/engine/scan/scanner.ts',
  '/src/engine/watch/watch-service.ts',
  '/src/server/http-endpoint.ts',
  'node:worker_threads',
  'node:child_process',
  'node:crypto',
];

const { servers: started, folder } = cleanedUpAfterTests();

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The modules `server` has imported so far (its probe writes them on SIGUSR2). */
async function loadedBy(server: ServerProcess, out: string): Promise<string[]> {
  rmSync(out, { force: true });
  server.kill('SIGUSR2');
  await eventually(() => existsSync(out), `pid ${server.pid} to list its modules`);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

function matching(urls: readonly string[], parts: readonly string[]): string[] {
  return parts.filter((part) => urls.some((url) => url.includes(part)));
}

test('a follower loads no writer code until it takes the seat, then indexes with it', async () => {
  const home = folder('lazy-home');
  const project = folder('lazy-project');
  const out = path.join(folder('lazy-probe'), 'modules.json');
  writeTree(project, SAMPLE_PROJECT);
  const indexed = await runCli(home, ['index', project]);
  assert.equal(indexed.code, 0, indexed.stderr);

  const leader = new ServerProcess(home);
  started.push(leader);
  await leader.waitForRole('leader');
  // In-thread parsing (no workers), so that a writer's tree-sitter shows up in this process's own modules.
  const follower = new ServerProcess(home, { NODE_OPTIONS: `--import=${PROBE}`, BATON_TEST_MODULES_OUT: out, BATON_INDEX_WORKERS: '0' }, SOURCE_CLI);
  started.push(follower);
  await follower.waitForRole('follower');
  const client = await follower.connectClient();
  const found = await call(client, 'search_code', { path: project, query: 'parseConfig' });
  assert.ok(!found.isError, JSON.stringify(found.content));

  const asFollower = await loadedBy(follower, out);
  assert.deepEqual(matching(asFollower, ['/src/engine/search/searcher.ts', '/src/coordination/coordinator.ts']).length, 2, 'the probe sees the modules a follower uses');
  assert.deepEqual(matching(asFollower, WRITER_ONLY), [], 'a follower that searched has loaded no writer code');

  await leader.closeClient();
  await follower.waitForRole('leader');
  const again = await call(client, 'index_codebase', { path: project, force: true });
  assert.ok(!again.isError, JSON.stringify(again.content));
  await eventually(async () => ((await call(client, 'get_indexing_status', { path: project })).structuredContent as { status: string }).status === 'indexed', 'the re-index by the new leader', 30_000);
  const searched = await call(client, 'search_code', { path: project, query: 'HttpServer' });
  assert.ok(!searched.isError, JSON.stringify(searched.content));

  const asLeader = await loadedBy(follower, out);
  assert.deepEqual(
    matching(asLeader, ['/src/engine/indexing/index-runs.ts', '/src/engine/chunk/grammars.ts', '/@vscode/tree-sitter-wasm/', '/src/engine/watch/watch-service.ts']).length,
    4,
    'the new leader loaded the writer, tree-sitter and the watch when it needed them',
  );
  await client.close();
  await follower.closeClient();
});
