import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

/** Short, fixed debounce and poll: the waits below end with the event, these only keep them short. */
const FAST = { BATON_WATCH_DEBOUNCE_MS: '20' };

const started: ServerProcess[] = [];
const clients: Client[] = [];
const folders: { remove: () => void }[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  for (const server of started) if (!server.exited) server.kill('SIGKILL');
  await Promise.all(started.map((server) => server.waitForExit()));
  for (const folder of folders) folder.remove();
});

function folder(prefix: string): string {
  const created = tempFolder(prefix);
  folders.push(created);
  return created.path;
}

function server(home: string, env: Record<string, string> = {}): ServerProcess {
  const process = new ServerProcess(home, { ...FAST, ...env });
  started.push(process);
  return process;
}

async function clientOf(process: ServerProcess): Promise<Client> {
  const client = await process.connectClient();
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

interface Hit {
  file: string;
  startLine: number;
  endLine: number;
  content: string;
  stale?: boolean;
}

async function search(client: Client, root: string, query: string): Promise<{ results: Hit[]; leftOut?: number }> {
  const result = await call(client, 'search_code', { path: root, query });
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
  return result.structuredContent as { results: Hit[]; leftOut?: number };
}

async function files(client: Client, root: string, query: string): Promise<string[]> {
  return (await search(client, root, query)).results.map((hit) => hit.file);
}

async function indexAndWait(client: Client, root: string): Promise<void> {
  const result = await call(client, 'index_codebase', { path: root, waitForCompletion: true });
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
}

/** What the index itself holds (not what a search shows): the proof that the watch, not the search-time check, did it. */
function indexedPaths(home: string, root: string): string[] {
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT f.path AS path FROM files f JOIN codebases c ON c.id = f.codebase_id WHERE c.root = ? ORDER BY 1').all(root) as { path: string }[]).map(
      (row) => row.path,
    );
  } finally {
    db.close();
  }
}

function watchRecord(home: string): { pid: number; codebases: { root: string; mode: string; reason?: string }[] } {
  return JSON.parse(readFileSync(path.join(home, 'watch.json'), 'utf8')) as { pid: number; codebases: { root: string; mode: string; reason?: string }[] };
}

async function watchOf(client: Client, root: string): Promise<{ mode: string; reason?: string }> {
  const status = await call(client, 'get_indexing_status', { path: root });
  return (status.structuredContent as { watch: { mode: string; reason?: string } }).watch;
}

/** Every result's lines are what the file holds now at those line numbers: nothing comes from a stale file. */
function assertMatchesDisk(root: string, hits: readonly Hit[]): void {
  for (const hit of hits) {
    const lines = readFileSync(path.join(root, hit.file), 'utf8').split('\n');
    const current = lines.slice(hit.startLine - 1, hit.endLine).join('\n');
    assert.equal(current, hit.content, `${hit.file}:${hit.startLine}-${hit.endLine} is not what the file holds`);
  }
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
}

test('a lone baton mcp sees files created, changed, renamed and deleted by another process, and ignores node_modules', async () => {
  const home = folder('watch-home');
  const project = folder('watch-project');
  writeTree(project, SAMPLE_PROJECT);
  const leader = server(home);
  await leader.waitForRole('leader');
  const client = await clientOf(leader);
  await indexAndWait(client, project);
  await leader.waitFor(() => leader.stderr.includes(`watch: ${project}: caught up after the indexing run`), 'the watch to catch up after the first run');
  assert.equal((await watchOf(client, project)).mode, 'watching');

  writeFileSync(path.join(project, 'src/newcomer.ts'), 'export function albatrossCreated() { return 1; }\n');
  await eventually(async () => (await files(client, project, 'albatrossCreated'))[0] === 'src/newcomer.ts', 'the created file to be searchable');

  writeFileSync(path.join(project, 'src/newcomer.ts'), 'export function pelicanChanged() { return 2; }\n');
  await eventually(async () => (await files(client, project, 'pelicanChanged'))[0] === 'src/newcomer.ts', 'the change to be searchable');
  assert.deepEqual(await files(client, project, 'albatrossCreated'), []);

  renameSync(path.join(project, 'src/newcomer.ts'), path.join(project, 'lib/renamed.ts'));
  await eventually(async () => (await files(client, project, 'pelicanChanged'))[0] === 'lib/renamed.ts', 'the renamed file to be searchable');
  assert.ok(!indexedPaths(home, project).includes('src/newcomer.ts'));

  rmSync(path.join(project, 'lib/renamed.ts'));
  await eventually(() => !indexedPaths(home, project).includes('lib/renamed.ts'), 'the deleted file to leave the index');

  // A new folder tree, then the folder removed as a whole.
  mkdirSync(path.join(project, 'extra/deeper'), { recursive: true });
  writeFileSync(path.join(project, 'extra/deeper/nested.ts'), 'export function cormorantNested() {}\n');
  await eventually(() => indexedPaths(home, project).includes('extra/deeper/nested.ts'), 'a file in a new folder tree to be indexed');
  rmSync(path.join(project, 'extra'), { recursive: true });
  await eventually(() => !indexedPaths(home, project).some((file) => file.startsWith('extra/')), 'a removed folder to leave the index');

  // Ignored folders send nothing: node_modules and .gitignore'd ones are never indexed, the file after them is.
  writeFileSync(path.join(project, 'node_modules/dep/late.ts'), 'export function inDependency() {}\n');
  writeFileSync(path.join(project, 'generated/late.ts'), 'export function inGenerated() {}\n');
  writeFileSync(path.join(project, 'src/marker.ts'), 'export function afterIgnored() {}\n');
  await eventually(() => indexedPaths(home, project).includes('src/marker.ts'), 'the marker file to be indexed');
  const indexed = indexedPaths(home, project);
  assert.ok(!indexed.some((file) => file.startsWith('node_modules/') || file.startsWith('generated/')), indexed.join(', '));
});

test('a git checkout of another branch becomes one incremental run, and back again', async () => {
  const home = folder('git-home');
  const repo = folder('git-repo');
  writeTree(repo, SAMPLE_PROJECT);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'main');
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(path.join(repo, 'src/feature.ts'), 'export function onlyOnFeature() { return 1; }\n');
  writeFileSync(path.join(repo, 'src/config.ts'), 'export function parseFeatureConfig() { return {}; }\n');
  rmSync(path.join(repo, 'lib/tokens.py'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'feature');
  git(repo, 'checkout', '-q', 'main');

  const leader = server(home);
  await leader.waitForRole('leader');
  const client = await clientOf(leader);
  await indexAndWait(client, repo);
  await leader.waitFor(() => leader.stderr.includes(`watch: ${repo}: caught up after the indexing run`), 'the watch to catch up');
  assert.ok(indexedPaths(home, repo).includes('lib/tokens.py'));

  git(repo, 'checkout', '-q', 'feature');
  await eventually(() => {
    const indexed = indexedPaths(home, repo);
    return indexed.includes('src/feature.ts') && !indexed.includes('lib/tokens.py');
  }, 'the feature branch to be indexed');
  assert.equal((await files(client, repo, 'parseFeatureConfig'))[0], 'src/config.ts');
  assert.equal((await files(client, repo, 'onlyOnFeature'))[0], 'src/feature.ts');
  await leader.waitFor(() => leader.stderr.includes('git HEAD changed (now on branch feature): one incremental run'), 'the branch switch line');

  git(repo, 'checkout', '-q', 'main');
  await eventually(() => {
    const indexed = indexedPaths(home, repo);
    return !indexed.includes('src/feature.ts') && indexed.includes('lib/tokens.py');
  }, 'the main branch to be indexed again');
  assert.ok(!(await files(client, repo, 'onlyOnFeature')).includes('src/feature.ts'));
  await leader.waitFor(() => leader.stderr.includes('git HEAD changed (now on branch main): one incremental run'), 'the second branch switch line');
  assert.equal(leader.stderr.match(/git HEAD changed/g)?.length, 2, 'one run per checkout');
});

test('the watch moves with the seat when the leader is SIGKILLed', async () => {
  const home = folder('move-home');
  const project = folder('move-project');
  writeTree(project, SAMPLE_PROJECT);
  const first = server(home);
  await first.waitForRole('leader');
  const second = server(home);
  await second.waitForRole('follower');
  const client = await clientOf(second);
  await indexAndWait(client, project);
  await first.waitFor(() => first.stderr.includes(`watch: ${project}: caught up after the indexing run`), 'the first leader to watch');
  assert.equal(watchRecord(home).pid, first.pid);
  assert.doesNotMatch(second.stderr, /watch: watching/, 'a follower does not watch');

  first.kill('SIGKILL');
  await second.waitForRole('leader');
  await second.waitFor(() => second.stderr.includes(`watch: watching ${project}`), 'the new leader to watch');
  await eventually(() => watchRecord(home).pid === second.pid, 'the new leader to publish its watch');

  writeFileSync(path.join(project, 'src/after-failover.ts'), 'export function writtenAfterFailover() {}\n');
  await eventually(async () => (await files(client, project, 'writtenAfterFailover'))[0] === 'src/after-failover.ts', 'a change after the failover to be searchable');
});

test('a new leader catches up on what changed while nobody watched', async () => {
  const home = folder('gap-home');
  const project = folder('gap-project');
  writeTree(project, SAMPLE_PROJECT);
  const first = server(home);
  await first.waitForRole('leader');
  await indexAndWait(await clientOf(first), project);
  first.kill('SIGKILL');
  await first.waitForExit();

  // Nobody runs: a file appears, one changes, one goes.
  writeFileSync(path.join(project, 'src/while-away.ts'), 'export function addedWhileAway() {}\n');
  writeFileSync(path.join(project, 'src/server.ts'), 'export function serverRewrittenWhileAway() {}\n');
  rmSync(path.join(project, 'lib/tokens.py'));

  const next = server(home);
  await next.waitForRole('leader');
  await next.waitFor(() => next.stderr.includes(`3 files changed while nobody watched`), 'the catch-up pass');
  const client = await clientOf(next);
  await eventually(() => {
    const indexed = indexedPaths(home, project);
    return indexed.includes('src/while-away.ts') && !indexed.includes('lib/tokens.py');
  }, 'the catch-up to be applied');
  assert.equal((await files(client, project, 'serverRewrittenWhileAway'))[0], 'src/server.ts');
});

test('with the watch off, search never answers from a stale file: changed files are re-indexed, deleted ones dropped, even through a follower', async () => {
  const home = folder('stale-home');
  const project = folder('stale-project');
  writeTree(project, SAMPLE_PROJECT);
  const leader = server(home, { BATON_WATCH: '0' });
  await leader.waitForRole('leader');
  const follower = server(home, { BATON_WATCH: '0' });
  await follower.waitForRole('follower');
  const client = await clientOf(follower);
  await indexAndWait(client, project);
  assert.equal((await watchOf(client, project)).mode, 'off');

  // parseConfig is renamed and moves down two lines; the old lines must never come back.
  const config = SAMPLE_PROJECT['src/config.ts']!.replace('export function parseConfig(', '// moved\n\nexport function parseSettings(');
  writeFileSync(path.join(project, 'src/config.ts'), config);
  const answer = await search(client, project, 'parseConfig');
  assertMatchesDisk(project, answer.results);
  assert.ok(!answer.results.some((hit) => hit.content.includes('function parseConfig(')), JSON.stringify(answer.results));
  // The follower forwarded the refresh to the leader within the search: the new name is indexed.
  assert.deepEqual((await files(client, project, 'parseSettings')).slice(0, 1), ['src/config.ts']);
  assert.match(leader.stderr, /baton MCP server ready/);

  rmSync(path.join(project, 'lib/tokens.py'));
  const gone = await search(client, project, 'refresh access token');
  assert.ok(!gone.results.some((hit) => hit.file === 'lib/tokens.py'), JSON.stringify(gone.results));
  assert.ok(!indexedPaths(home, project).includes('lib/tokens.py'), 'the deleted file was removed from the index too');
});

/** A function big enough to be a chunk of its own (small neighbours are merged into one chunk). */
function bigFunction(name: string, returned: number): string {
  const body = Array.from({ length: 60 }, (_, line) => `  const ${name}Step${line} = ${line} * ${returned};`).join('\n');
  return `export function ${name}() {\n${body}\n  return ${returned};\n}\n`;
}

test('past the search budget a changed file is vouched for line by line: moved lines are left out, unchanged ones flagged stale', async () => {
  const home = folder('budget-home');
  const project = folder('budget-project');
  writeTree(project, { ...SAMPLE_PROJECT, 'src/first.ts': `${bigFunction('keptInPlace', 1)}\n${bigFunction('rewrittenLater', 2)}` });
  const leader = server(home, { BATON_WATCH: '0', BATON_SEARCH_REFRESH_BUDGET_MS: '0' });
  await leader.waitForRole('leader');
  const client = await clientOf(leader);
  await indexAndWait(client, project);

  writeFileSync(path.join(project, 'src/first.ts'), `${bigFunction('keptInPlace', 1)}\n${bigFunction('rewrittenLater', 20)}`);
  const kept = await search(client, project, 'keptInPlace');
  assert.equal(kept.results[0]?.file, 'src/first.ts');
  assert.equal(kept.results[0]?.stale, true, 'unchanged lines of a changed file are flagged');
  assertMatchesDisk(project, kept.results);
  // The refresh was queued: soon the file is indexed again and nothing is stale.
  await eventually(async () => {
    const fresh = await search(client, project, 'rewrittenLater');
    return fresh.results.some((hit) => hit.content.includes('return 20;')) && fresh.results.every((hit) => hit.stale === undefined);
  }, 'the queued refresh');

  writeFileSync(path.join(project, 'src/first.ts'), `// a header line moves everything down\n${bigFunction('keptInPlace', 1)}`);
  const moved = await search(client, project, 'keptInPlace');
  assert.ok(!moved.results.some((hit) => hit.file === 'src/first.ts'), 'lines that moved are not returned at their old line numbers');
  assert.ok((moved.leftOut ?? 0) >= 1);
  assertMatchesDisk(project, moved.results);
});

test('watch limits, a deleted folder and BATON_WATCH=poll fall back to a bounded poll, said once in the log and in the status', async () => {
  const home = folder('poll-home');
  const project = folder('poll-project');
  writeTree(project, SAMPLE_PROJECT);
  const leader = server(home, { BATON_WATCH_MAX_FOLDERS: '2', BATON_WATCH_POLL_MS: '100' });
  await leader.waitForRole('leader');
  const client = await clientOf(leader);
  await indexAndWait(client, project);
  await eventually(async () => (await watchOf(client, project)).mode === 'polling', 'the fallback to polling');
  assert.match((await watchOf(client, project)).reason ?? '', /share of inotify watches is used up/);
  writeFileSync(path.join(project, 'src/polled.ts'), 'export function foundByPolling() {}\n');
  await eventually(() => indexedPaths(home, project).includes('src/polled.ts'), 'the poll to find a new file');
  await eventually(() => (leader.stderr.match(/checking for changes every/g)?.length ?? 0) >= 1, 'the warning');
  assert.equal(leader.stderr.match(/share of inotify watches is used up/g)?.length, 1, 'said once, however many polls');
  const cli = await runCli(home, ['status']);
  assert.match(cli.stdout, /Checked for changes every 100 ms: Baton's share of inotify watches is used up/);

  // A watched folder moved away, then back.
  const other = folder('poll-other');
  const watched = server(folder('gone-home'), { BATON_WATCH_POLL_MS: '100' });
  await watched.waitForRole('leader');
  const watchedClient = await clientOf(watched);
  writeTree(other, SAMPLE_PROJECT);
  await indexAndWait(watchedClient, other);
  await watched.waitFor(() => watched.stderr.includes(`watch: ${other}: caught up after the indexing run`), 'the watch');
  renameSync(other, `${other}.moved`);
  await watched.waitFor(() => watched.stderr.includes('the folder was deleted or moved'), 'the deleted-folder fallback');
  assert.equal((await watchOf(watchedClient, other)).mode, 'polling');
  writeFileSync(path.join(`${other}.moved`, 'src/while-moved.ts'), 'export function changedWhileMoved() {}\n');
  renameSync(`${other}.moved`, other);
  await watched.waitFor(() => watched.stderr.includes(`watch: ${other} is back: watching it again`), 'the folder to be watched again', 30_000);
  await eventually(async () => (await watchOf(watchedClient, other)).mode === 'watching', 'watching again');
  await eventually(async () => (await files(watchedClient, other, 'changedWhileMoved'))[0] === 'src/while-moved.ts', 'the change made while it was away');

  // Polling by request.
  const pollHome = folder('poll-only-home');
  const polling = server(pollHome, { BATON_WATCH: 'poll', BATON_WATCH_POLL_MS: '100' });
  await polling.waitForRole('leader');
  const pollClient = await clientOf(polling);
  const third = folder('poll-third');
  writeTree(third, SAMPLE_PROJECT);
  await indexAndWait(pollClient, third);
  await eventually(async () => (await watchOf(pollClient, third)).mode === 'polling', 'polling by request');
  assert.match((await watchOf(pollClient, third)).reason ?? '', /BATON_WATCH=poll/);
});
