import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REFRESH_FILES_METHOD, refreshFilesResultSchema } from '../../src/protocol/extension.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree } from '../helpers/index-snapshot.ts';
import { ServerProcess } from '../helpers/server-process.ts';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';

/** Writes through a follower meet the limits of the direct path, with the same clear messages, and big change sets get through. */
const { servers, folder } = cleanedUpAfterTests();

async function pair(home: string): Promise<{ follower: Client }> {
  const leader = new ServerProcess(home);
  servers.push(leader);
  await leader.waitForRole('leader');
  const follower = new ServerProcess(home);
  servers.push(follower);
  await follower.waitForRole('follower');
  return { follower: await follower.connectClient('limits') };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

test('lists over the limits are refused at once with what to do, through a follower as directly', async () => {
  const home = folder('limits-home');
  const project = folder('limits-project');
  writeTree(project, { 'a.ts': 'export const a = 1;\n' });
  const { follower } = await pair(home);
  const started = Date.now();
  const tooMany = await call(follower, 'index_codebase', { path: project, customExtensions: Array.from({ length: 1001 }, (_, i) => `.x${i}`) });
  assert.equal(tooMany.isError, true);
  assert.match(text(tooMany), /customExtensions takes at most 1000 extensions/);
  // Within the list limits, but over the endpoint's 1 MiB line: refused before it is sent, not "the leader went away" 30 s later.
  const huge = await call(follower, 'index_codebase', { path: project, ignorePatterns: Array.from({ length: 400 }, (_, i) => `generated-${i}-${'x'.repeat(3000)}/`) });
  assert.equal(huge.isError, true);
  assert.match(text(huge), /too large.*\.batonignore/s);
  assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
  const fine = await call(follower, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(fine.isError, undefined, text(fine));
});

test('thousands of changed files from an editor become one incremental run in the leader, not a rejected batch', async () => {
  const home = folder('bulk-home');
  const project = folder('bulk-project');
  writeTree(project, generatedTree(3000, 2));
  const { follower } = await pair(home);
  assert.equal((await call(follower, 'index_codebase', { path: project, waitForCompletion: true })).isError, undefined);
  const changed: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const file = path.join(project, `pkg${i % 40}/module${i}.ts`);
    writeFileSync(file, `export function afterBranchSwitch${i}(): number {\n  return ${i};\n}\n`);
    changed.push(file);
  }
  // What the extension sends after a branch switch: 3,000 paths, in one request.
  const request = { method: REFRESH_FILES_METHOD, params: { path: project, files: changed } } as unknown as Parameters<Client['request']>[0];
  const result = await follower.request(request, refreshFilesResultSchema, { timeout: 30_000 });
  assert.deepEqual({ ...result }, { changed: 0, deleted: 0 }, 'handed to an incremental run');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const search = await call(follower, 'search_code', { path: project, query: 'afterBranchSwitch2999', limit: 1 });
    const first = (search.structuredContent as { results: { file: string }[] }).results[0];
    if (first?.file === 'pkg39/module2999.ts') break;
    assert.ok(Date.now() < deadline, 'the run took the changes within a minute');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const status = (await call(follower, 'get_indexing_status', { path: project })).structuredContent as { status: string; fileCount: number };
  assert.equal(status.fileCount, 3000);
});
