import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { DryRunOutput, IndexToolOutput } from '../../src/protocol/tools.ts';
import { runCli } from '../helpers/cli.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { callTool, textOf } from '../helpers/mcp-client.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

/**
 * The dry run through the real entry points: `index_codebase {dryRun: true}`
 * answered by a follower whose leader is frozen (so it cannot have been
 * forwarded), and `baton index --dry-run`. Neither writes anything.
 */
const home = tempFolder('dry-run-home');
const project = tempFolder('dry-run-project');
writeTree(project.path, { ...SAMPLE_PROJECT, 'fixtures/big.ts': 'export const x = 1;\n' });
const servers: ServerProcess[] = [];
after(async () => {
  for (const server of servers) {
    if (server.exited) continue;
    server.kill('SIGCONT');
    server.kill('SIGKILL');
  }
  await Promise.all(servers.map((server) => server.waitForExit()));
  home.remove();
  project.remove();
});

test('a follower answers a dry run itself, with its leader frozen, and nothing is indexed', async () => {
  const leader = new ServerProcess(home.path);
  servers.push(leader);
  await leader.waitForRole('leader');
  const follower = new ServerProcess(home.path);
  servers.push(follower);
  await follower.waitForRole('follower');
  const client: Client = await follower.connectClient();
  leader.kill('SIGSTOP');
  try {
    const result = await callTool(client, 'index_codebase', { path: project.path, dryRun: true, ignorePatterns: ['fixtures/'] });
    assert.equal(result.isError, undefined, textOf(result));
    const output = result.structuredContent as IndexToolOutput;
    const report = output.dryRun as DryRunOutput;
    assert.equal(output.status, 'not_found');
    assert.equal(output.fileCount, 4, 'config.ts, server.ts, tokens.py, guide.md');
    assert.equal(report.files, 4);
    assert.deepEqual(report.excluded.map((entry) => entry.source), ['built-in', 'ignorePatterns', '.gitignore']);
    assert.match(textOf(result), /^Dry run of .*:\n/);
    assert.match(textOf(result), /Would index 4 files/);
    const status = await callTool(client, 'get_indexing_status', { path: project.path });
    assert.equal((status.structuredContent as { status: string }).status, 'not_found', 'a dry run indexes nothing');
  } finally {
    leader.kill('SIGCONT');
    await client.close();
  }
});

test('baton index --dry-run prints the report (and --json the report as JSON) without indexing', async () => {
  const text = await runCli(home.path, ['index', project.path, '--dry-run']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Would index 5 files/);
  assert.match(text.stdout, /Excluded by built-in excludes: 2 folders \(e\.g\. dist\/, node_modules\/\)/);
  assert.match(text.stdout, /Excluded by \.gitignore: 1 folder \(e\.g\. generated\/\)/);
  const json = await runCli(home.path, ['index', project.path, '--dry-run', '--json', '--ignore', 'fixtures/,docs/']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as DryRunOutput;
  assert.equal(report.files, 3);
  assert.deepEqual(report.languages.map((entry) => entry.language).sort(), ['python', 'typescript']);
  const status = await runCli(home.path, ['status', project.path, '--json']);
  assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'not_found');
  assert.ok(!readdirSync(home.path).includes('leader.lock.breaker'), 'the dry run took no part in the election');
});
