/**
 * Is a follower's search as fast as the leader's? Two real `baton mcp`
 * processes on one BATON_HOME (a leader and a follower), one index of real
 * third-party code, and the same queries sent to each over MCP (stdio), in
 * alternation. Prints p50/p95 for both and their ratio (target: follower p95
 * within 20 % of the leader's), then one JSON line.
 *
 *   npm run bench:failover   (runs this after the failover benchmark)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ServerProcess } from '../test/helpers/server-process.ts';
import { IDENTIFIER_QUERIES, NATURAL_LANGUAGE_QUERIES } from './queries.ts';
import { median, percentile, round } from './stats.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
/** Part of the index benchmark's corpus (npm run bench builds it), else the project's own sources and dependencies' code. */
const CORPUS = [path.join(MAIN, '.bench', 'corpus', 'baton-deps'), path.join(MAIN, 'node_modules', 'typescript')].find((folder) => existsSync(folder))!;
const ROUNDS = 5;

async function timedSearch(client: Client, root: string, query: string): Promise<number> {
  const started = performance.now();
  const result = (await client.callTool({ name: 'search_code', arguments: { path: root, query, limit: 10 } })) as CallToolResult;
  const elapsed = performance.now() - started;
  if (result.isError) throw new Error(`search failed: ${JSON.stringify(result.content)}`);
  return elapsed;
}

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'baton-follower-bench-'));
  const servers: ServerProcess[] = [];
  try {
    const leader = new ServerProcess(home, { BATON_MAX_FILES: '200000' });
    servers.push(leader);
    await leader.waitForRole('leader');
    const follower = new ServerProcess(home, { BATON_MAX_FILES: '200000' });
    servers.push(follower);
    await follower.waitForRole('follower');
    const leaderClient = await leader.connectClient();
    const followerClient = await follower.connectClient();
    process.stderr.write(`· indexing ${CORPUS} through the follower…\n`);
    const indexed = (await followerClient.callTool(
      { name: 'index_codebase', arguments: { path: CORPUS, waitForCompletion: true } },
      undefined,
      { timeout: 600_000, resetTimeoutOnProgress: true },
    )) as CallToolResult;
    if (indexed.isError) throw new Error(JSON.stringify(indexed.content));
    const chunks = (indexed.structuredContent as { chunkCount: number }).chunkCount;
    const queries = [...IDENTIFIER_QUERIES, ...NATURAL_LANGUAGE_QUERIES];
    // Warm both (statement caches, page cache), then measure in alternation so noise hits both alike.
    for (const query of queries) {
      await timedSearch(leaderClient, CORPUS, query);
      await timedSearch(followerClient, CORPUS, query);
    }
    const times = { leader: [] as number[], follower: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of queries) {
        times.leader.push(await timedSearch(leaderClient, CORPUS, query));
        times.follower.push(await timedSearch(followerClient, CORPUS, query));
      }
    }
    const figures = {
      corpus: CORPUS,
      chunks,
      searches: times.leader.length,
      leaderP50Ms: round(median(times.leader), 2),
      leaderP95Ms: round(percentile(times.leader, 95), 2),
      followerP50Ms: round(median(times.follower), 2),
      followerP95Ms: round(percentile(times.follower, 95), 2),
    };
    const ratio = round(figures.followerP95Ms / figures.leaderP95Ms, 3);
    process.stdout.write(
      [
        `Follower vs leader search (${figures.searches} searches each over MCP stdio, ${chunks.toLocaleString('en-US')} chunks)`,
        `  leader    p50 ${figures.leaderP50Ms} ms   p95 ${figures.leaderP95Ms} ms`,
        `  follower  p50 ${figures.followerP50Ms} ms   p95 ${figures.followerP95Ms} ms`,
        `  follower p95 / leader p95 = ${ratio} (target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'})`,
        JSON.stringify({ ...figures, p95Ratio: ratio }),
        '',
      ].join('\n'),
    );
    await leaderClient.close();
    await followerClient.close();
  } finally {
    for (const server of servers) if (!server.exited) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.waitForExit()));
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
