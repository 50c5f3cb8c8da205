import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { before, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../helpers/cli.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot } from '../helpers/index-snapshot.ts';
import { PREVIOUS_RELEASE, buildOfCommit } from '../helpers/previous-build.ts';
import { ServerProcess } from '../helpers/server-process.ts';
import { MIGRATIONS } from '../../src/engine/store/schema.ts';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';

/**
 * Windows update one at a time: a Baton 0.1 process (the previous release,
 * built from its commit) and a current one share a BATON_HOME, in both
 * roles. Nothing crashes or misreads, writes are neither lost nor applied
 * twice (the index equals a clean rebuild), only a current leader migrates
 * the database, and it stays usable by 0.1.
 */
const { servers, folder } = cleanedUpAfterTests();
let previousCli: string;

before(() => {
  previousCli = buildOfCommit(PREVIOUS_RELEASE);
});

async function server(home: string, build: 'previous' | 'current', role: 'leader' | 'follower'): Promise<{ process: ServerProcess; client: Client }> {
  const started = new ServerProcess(home, {}, build === 'previous' ? previousCli : undefined);
  servers.push(started);
  await started.waitForRole(role);
  return { process: started, client: await started.connectClient(`mixed-${build}`) };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.equal(result.isError, undefined, `${name}: ${JSON.stringify(result.content)}`);
  return result;
}

async function topFile(client: Client, root: string, query: string): Promise<string | undefined> {
  const result = await call(client, 'search_code', { path: root, query, limit: 3 });
  return (result.structuredContent as { results: { file: string }[] }).results[0]?.file;
}

function schemaOf(home: string): { userVersion: number; schema: string | undefined; hasFormat: boolean } {
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  try {
    const userVersion = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
    const hasFormat = (db.prepare("SELECT count(*) AS n FROM pragma_table_info('files') WHERE name = 'format_version'").get() as { n: number }).n === 1;
    return { userVersion, schema, hasFormat };
  } finally {
    db.close();
  }
}

async function cleanIndex(root: string): Promise<ReturnType<typeof indexSnapshot>> {
  const home = folder('mixed-clean');
  const result = await runCli(home, ['index', root]);
  assert.equal(result.code, 0, result.stderr);
  return indexSnapshot(home, root);
}

test('a 0.1 leader with a current follower: forwarding and search work, and only the current one, once it leads, migrates', async () => {
  const home = folder('mixed-old-leader');
  const project = folder('mixed-project-a');
  writeTree(project, { ...SAMPLE_PROJECT, ...generatedTree(120) });

  const old = await server(home, 'previous', 'leader');
  const current = await server(home, 'current', 'follower');
  await call(current.client, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(await topFile(current.client, project, 'parseConfig'), 'src/config.ts');
  assert.equal(await topFile(old.client, project, 'refresh access token'), 'lib/tokens.py');
  assert.deepEqual(schemaOf(home), { userVersion: 1, schema: undefined, hasFormat: false }, 'a follower leaves the schema to the leader');

  await old.client.close();
  await old.process.closeClient();
  assert.equal(old.process.exited?.code, 0);
  await current.process.waitForRole('leader');
  await current.process.waitFor(() => schemaOf(home).hasFormat, 'the migration by the new leader');
  assert.deepEqual(schemaOf(home), { userVersion: 1, schema: String(MIGRATIONS.length), hasFormat: true });
  assert.equal(await topFile(current.client, project, 'parseConfig'), 'src/config.ts');
  assert.deepEqual(indexSnapshot(home, project), await cleanIndex(project));
  await current.client.close();
  await current.process.closeClient();
});

test('a 0.1 follower with a current leader, then a 0.1 leader on the migrated database: nothing lost, nothing twice', async () => {
  const home = folder('mixed-new-leader');
  const project = folder('mixed-project-b');
  writeTree(project, { ...SAMPLE_PROJECT, ...generatedTree(120) });

  const current = await server(home, 'current', 'leader');
  const old = await server(home, 'previous', 'follower');
  await call(old.client, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(await topFile(old.client, project, 'parseConfig'), 'src/config.ts');
  assert.equal(schemaOf(home).schema, String(MIGRATIONS.length));

  // The current leader goes; the 0.1 process leads on the migrated database and indexes a change.
  await current.client.close();
  await current.process.closeClient();
  await old.process.waitForRole('leader');
  writeFileSync(path.join(project, 'src/config.ts'), `${SAMPLE_PROJECT['src/config.ts']}\nexport function writtenUnderTheOldLeader() {}\n`);
  writeTree(project, { 'src/added-by-old.ts': 'export const addedWhileOldLed = 1;\n' });
  await call(old.client, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(await topFile(old.client, project, 'writtenUnderTheOldLeader'), 'src/config.ts');

  // A current process takes over again and re-chunks what 0.1 wrote without a format.
  const next = await server(home, 'current', 'follower');
  // Meanwhile its symbol answers leave out what 0.1 rewrote (its symbols would point at old lines).
  const stale = (await call(next.client, 'find_symbol', { path: project, name: 'parseConfig' })).structuredContent as { results: { file: string }[] };
  assert.deepEqual(stale.results.map((result) => result.file), [], 'src/config.ts was rewritten by 0.1: its old symbols are not shown');
  await old.client.close();
  await old.process.closeClient();
  assert.equal(old.process.exited?.code, 0, old.process.stderr);
  await next.process.waitForRole('leader');
  await call(next.client, 'index_codebase', { path: project, waitForCompletion: true });
  assert.equal(await topFile(next.client, project, 'addedWhileOldLed'), 'src/added-by-old.ts');
  const symbols = (await call(next.client, 'find_symbol', { path: project, name: 'writtenUnderTheOldLeader' })).structuredContent as { results: { file: string; line: number }[] };
  assert.deepEqual(symbols.results.map((result) => `${result.file}:${result.line}`), ['src/config.ts:14'], 'and once re-chunked, the symbols are current');
  assert.deepEqual(indexSnapshot(home, project), await cleanIndex(project));
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  const byOldWriters = (db.prepare('SELECT count(*) AS n FROM files WHERE writer_epoch NOT IN (SELECT epoch FROM writers)').get() as { n: number }).n;
  db.close();
  assert.equal(byOldWriters, 0, 'every file 0.1 wrote (the changed one and the added one) was re-chunked by the current leader');
  await next.client.close();
  await next.process.closeClient();
});
