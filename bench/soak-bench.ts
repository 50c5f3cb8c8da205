/**
 * Baton soak benchmark (not a test): hundreds of churn events — SIGKILL,
 * SIGSTOP/SIGCONT (short, and past the stale time), clean exits, new servers —
 * among real `baton mcp` processes on one BATON_HOME, while file saves,
 * index and clear requests and searches flow through followers the whole
 * time. At the end it checks what the coordination promises:
 *
 * - no two leader tenures overlap (every pair), no epoch is claimed twice;
 * - no write from a deposed epoch: a trigger the bench adds to the database
 *   records every file row written with an epoch below the stored one;
 * - no request lost: every request gets an answer (an error is an answer; a
 *   request whose own server was killed is counted apart), and every save
 *   whose refresh was acknowledged is in the index once things settle;
 * - the index equals a clean rebuild of the same folders.
 *
 *   npm run bench:soak            (builds dist/ first)
 *
 * Environment: BENCH_SOAK_EVENTS (churn events, default 500), BENCH_SOAK_SEED.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Cluster } from './failover/cluster.ts';
import { allOverlaps, duplicateLeaderEpochs } from './failover/tenures.ts';
import { REFRESH_FILES_METHOD, refreshFilesResultSchema } from '../src/protocol/extension.ts';
import { runCli } from '../test/helpers/cli.ts';
import { writeTree } from '../test/helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot } from '../test/helpers/index-snapshot.ts';
import { tempFolder } from '../test/helpers/paths.ts';
import { tenuresOf, type ServerProcess } from '../test/helpers/server-process.ts';

const EVENTS = positiveEnv('BENCH_SOAK_EVENTS', 500);
let seed = positiveEnv('BENCH_SOAK_SEED', 20261201);
const MIN_ALIVE = 2;
const MAX_ALIVE = 5;
const REQUEST_TIMEOUT_MS = 60_000;
/** SIGSTOP longer than the seat's stale time (5 s): the frozen leader is replaced. */
const LONG_STOP_MS = 6500;
const SHORT_STOP_MS = 300;

type Churn = 'kill-leader' | 'kill-any' | 'close-leader' | 'close-any' | 'start' | 'stop-short' | 'stop-long';
type RequestKind = 'save' | 'index' | 'clear' | 'search';

interface RequestRecord {
  readonly kind: RequestKind;
  readonly viaPid: number;
  outcome: 'pending' | 'ok' | 'error' | 'client-gone' | 'timeout';
  error?: string;
}

interface Save {
  readonly file: string;
  readonly hash: string;
  acknowledged: boolean;
}

function positiveEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function progress(line: string): void {
  process.stderr.write(`· ${line}\n`);
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Records every file row written with an epoch below the stored one: a write a fence should have refused. */
function installDeposedWriteTrigger(home: string): void {
  const db = new DatabaseSync(path.join(home, 'index.db'), { timeout: 10_000 });
  const stored = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'epoch')";
  db.exec(`
    CREATE TABLE IF NOT EXISTS soak_deposed_writes (writer_epoch INTEGER, stored_epoch INTEGER, path TEXT, at INTEGER);
    CREATE TRIGGER IF NOT EXISTS soak_files_insert AFTER INSERT ON files WHEN NEW.writer_epoch < ${stored}
      BEGIN INSERT INTO soak_deposed_writes VALUES (NEW.writer_epoch, ${stored}, NEW.path, unixepoch('subsec') * 1000); END;
    CREATE TRIGGER IF NOT EXISTS soak_files_update AFTER UPDATE ON files WHEN NEW.writer_epoch < ${stored}
      BEGIN INSERT INTO soak_deposed_writes VALUES (NEW.writer_epoch, ${stored}, NEW.path, unixepoch('subsec') * 1000); END;
  `);
  db.close();
}

function deposedWrites(home: string): { writer_epoch: number; stored_epoch: number; path: string }[] {
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  try {
    return db.prepare('SELECT writer_epoch, stored_epoch, path FROM soak_deposed_writes').all() as { writer_epoch: number; stored_epoch: number; path: string }[];
  } finally {
    db.close();
  }
}

function indexedHashes(home: string, root: string): Map<string, string> {
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  try {
    const rows = db.prepare('SELECT f.path AS path, f.hash AS hash FROM files f JOIN codebases c ON c.id = f.codebase_id WHERE c.root = ?').all(root) as { path: string; hash: string }[];
    return new Map(rows.map((row) => [row.path, row.hash]));
  } finally {
    db.close();
  }
}

class Soak {
  readonly cluster = new Cluster();
  readonly clients = new Map<number, Client>();
  readonly requests: RequestRecord[] = [];
  readonly saves = new Map<string, Save[]>();
  readonly churn = new Map<Churn, number>();
  readonly projectA: string;
  readonly projectB: string;
  readonly filesA: string[];
  private saveCounter = 0;
  private readonly stopped = new Set<number>();
  /** Servers whose client the bench closed: their pending requests end with the client, like a killed one's. */
  private readonly closedByBench = new Set<number>();
  /** Stops past the stale time, per pid: a leader frozen there is deposed while it cannot run. */
  readonly longStops = new Map<number, { from: number; to: number }[]>();
  private readonly folders: (() => void)[] = [];

  constructor() {
    const a = tempFolder('soak-a');
    const b = tempFolder('soak-b');
    this.folders.push(a.remove, b.remove);
    this.projectA = a.path;
    this.projectB = b.path;
    const tree = generatedTree(400, 4);
    writeTree(this.projectA, tree);
    writeTree(this.projectB, generatedTree(150, 3));
    this.filesA = Object.keys(tree);
  }

  get live(): ServerProcess[] {
    return this.cluster.live.filter((server) => !this.stopped.has(server.pid));
  }

  async start(): Promise<void> {
    const [server] = this.cluster.start(1);
    this.churn.set('start', (this.churn.get('start') ?? 0) + 1);
    await server!.waitForRole();
    this.clients.set(server!.pid, await server!.connectClient('soak'));
  }

  /** A client of a live follower (requests go through followers), or of any live server when none follows. */
  clientForRequest(): { pid: number; client: Client } | undefined {
    const followers = this.live.filter((server) => server.role === 'follower' && this.clients.has(server.pid));
    const candidates = followers.length > 0 ? followers : this.live.filter((server) => this.clients.has(server.pid));
    if (candidates.length === 0) return undefined;
    const server = pick(candidates);
    return { pid: server.pid, client: this.clients.get(server.pid)! };
  }

  private async track(kind: RequestKind, body: (client: Client) => Promise<void>): Promise<void> {
    const target = this.clientForRequest();
    if (!target) return;
    const record: RequestRecord = { kind, viaPid: target.pid, outcome: 'pending' };
    this.requests.push(record);
    const timer = sleep(REQUEST_TIMEOUT_MS).then(() => 'timeout' as const);
    try {
      const result = await Promise.race([body(target.client).then(() => 'ok' as const), timer]);
      record.outcome = result;
    } catch (error) {
      const server = this.cluster.all.find((candidate) => candidate.pid === target.pid);
      // The agent's own server died (we killed it): its request dies with it, as for any MCP client.
      record.outcome = server?.exited || this.cluster.killedAt.has(target.pid) || this.closedByBench.has(target.pid) ? 'client-gone' : 'error';
      record.error = (error as Error).message.slice(0, 160);
    }
  }

  async oneRequest(): Promise<void> {
    const roll = random();
    if (roll < 0.6) return this.saveAndRefresh();
    if (roll < 0.8) return this.track('index', (client) => this.tool(client, 'index_codebase', { path: random() < 0.7 ? this.projectA : this.projectB }));
    if (roll < 0.87) return this.track('clear', (client) => this.tool(client, 'clear_index', { path: this.projectB }, /is not indexed/));
    return this.track('search', (client) => this.tool(client, 'search_code', { path: this.projectA, query: 'operation12x1' }, /is not indexed|no search index/));
  }

  private async saveAndRefresh(): Promise<void> {
    const relative = pick(this.filesA);
    const file = path.join(this.projectA, relative);
    const content = `${readFileSync(file, 'utf8').split('\n// soak')[0]}\n// soak save ${++this.saveCounter}\n`;
    writeFileSync(file, content);
    const save: Save = { file: relative, hash: sha1(content), acknowledged: false };
    this.saves.set(relative, [...(this.saves.get(relative) ?? []), save]);
    await this.track('save', async (client) => {
      const request = { method: REFRESH_FILES_METHOD, params: { path: this.projectA, files: [file] } } as unknown as Parameters<Client['request']>[0];
      try {
        await client.request(request, refreshFilesResultSchema, { timeout: REQUEST_TIMEOUT_MS });
      } catch (error) {
        // Not indexed yet (or cleared): nothing to refresh, and the next index reads the file anyway.
        if (/is not indexed yet/.test((error as Error).message)) return;
        throw error;
      }
      save.acknowledged = true;
    });
  }

  private async tool(client: Client, name: string, args: Record<string, unknown>, acceptable?: RegExp): Promise<void> {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS })) as CallToolResult;
    if (!result.isError) return;
    const text = result.content.map((item) => (item.type === 'text' ? item.text : '')).join(' ');
    if (acceptable?.test(text)) return;
    throw new Error(text);
  }

  async churnOnce(): Promise<Churn> {
    const live = this.live;
    const leader = live.find((server) => server.role === 'leader');
    let kind: Churn;
    if (live.length < MIN_ALIVE) kind = 'start';
    else if (live.length >= MAX_ALIVE) kind = pick(['kill-leader', 'close-leader', 'kill-any', 'close-any'] as const);
    else {
      const roll = random();
      kind = roll < 0.22 ? 'kill-leader' : roll < 0.32 ? 'kill-any' : roll < 0.5 ? 'close-leader' : roll < 0.6 ? 'close-any' : roll < 0.82 ? 'start' : roll < 0.96 ? 'stop-short' : 'stop-long';
    }
    const victim = kind.endsWith('leader') || kind.startsWith('stop') ? (leader ?? pick(live)) : pick(live);
    this.churn.set(kind, (this.churn.get(kind) ?? 0) + (kind === 'start' ? 0 : 1));
    switch (kind) {
      case 'start':
        await this.start();
        break;
      case 'kill-leader':
      case 'kill-any':
        this.cluster.killedAt.set(victim.pid, Date.now());
        this.cluster.kills++;
        victim.kill('SIGKILL');
        await victim.waitForExit();
        break;
      case 'close-leader':
      case 'close-any':
        this.cluster.stops++;
        this.closedByBench.add(victim.pid);
        await this.clients.get(victim.pid)?.close().catch(() => undefined);
        this.clients.delete(victim.pid);
        await victim.closeClient();
        break;
      case 'stop-short':
      case 'stop-long': {
        this.stopped.add(victim.pid);
        const from = Date.now();
        victim.kill('SIGSTOP');
        await sleep(kind === 'stop-short' ? SHORT_STOP_MS : LONG_STOP_MS);
        victim.kill('SIGCONT');
        if (kind === 'stop-long') this.longStops.set(victim.pid, [...(this.longStops.get(victim.pid) ?? []), { from, to: Date.now() }]);
        this.stopped.delete(victim.pid);
        break;
      }
    }
    return kind;
  }

  /** Waits until one leader leads, and no codebase is being indexed (the leader finished what it took on). */
  async quiesce(timeoutMs = 120_000): Promise<void> {
    await this.cluster.waitSettled('the final election', timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const target = this.clientForRequest();
      if (target) {
        const statuses = await Promise.all(
          [this.projectA, this.projectB].map(async (root) => {
            const result = (await target.client.callTool({ name: 'get_indexing_status', arguments: { path: root } })) as CallToolResult;
            return (result.structuredContent as { status: string }).status;
          }),
        );
        if (statuses.every((status) => status !== 'indexing')) return;
      }
      if (Date.now() > deadline) throw new Error('the index did not settle');
      await sleep(200);
    }
  }

  /** Acknowledged saves (the last save of each file) whose content the index does not hold. */
  lostSaves(home: string): string[] {
    const indexed = indexedHashes(home, this.projectA);
    if (indexed.size === 0) return [];
    const lost: string[] = [];
    for (const [file, saves] of this.saves) {
      const last = saves.at(-1)!;
      if (last.acknowledged && indexed.get(file) !== last.hash) lost.push(file);
    }
    return lost;
  }

  async destroy(): Promise<void> {
    for (const client of this.clients.values()) await client.close().catch(() => undefined);
    for (const server of this.cluster.all) if (!server.exited) server.kill('SIGCONT');
    await this.cluster.destroy();
    for (const remove of this.folders) remove();
  }
}

function clipFrozen<T extends { start: number; end: number }>(tenure: T, stops: readonly { from: number; to: number }[]): T {
  // The stop may begin a moment before the role line (the process became leader as it was stopped).
  const frozen = stops.find((stop) => stop.to > tenure.start && stop.from < tenure.end && tenure.end >= stop.to);
  return frozen ? { ...tenure, end: Math.max(frozen.from, tenure.start) } : tenure;
}

async function main(): Promise<void> {
  const soak = new Soak();
  const started = Date.now();
  let workloadRunning = true;
  try {
    for (let i = 0; i < 3; i++) await soak.start();
    soak.churn.clear(); // the first three are the set-up, not churn
    await soak.cluster.waitSettled('the first election');
    installDeposedWriteTrigger(soak.cluster.home);
    const workload = (async () => {
      while (workloadRunning) {
        void soak.oneRequest();
        await sleep(15 + Math.floor(random() * 30));
      }
    })();
    let events = 0;
    while (events < EVENTS) {
      const kind = await soak.churnOnce();
      events++;
      await soak.cluster.waitSettled(`the set to settle after event ${events} (${kind})`, 60_000).catch((error: unknown) => progress((error as Error).message));
      if (events % 25 === 0) progress(`${events}/${EVENTS} churn events, ${soak.requests.length} requests so far`);
      await sleep(Math.floor(random() * 150));
    }
    workloadRunning = false;
    await workload;
    // Every request still pending gets its answer or its timeout.
    const deadline = Date.now() + REQUEST_TIMEOUT_MS + 5000;
    while (soak.requests.some((request) => request.outcome === 'pending') && Date.now() < deadline) await sleep(100);
    await soak.quiesce();
    const lost = soak.lostSaves(soak.cluster.home);

    // The final state: both folders indexed through a follower, compared with a clean rebuild.
    const final = soak.clientForRequest()!;
    for (const root of [soak.projectA, soak.projectB]) {
      const result = (await final.client.callTool({ name: 'index_codebase', arguments: { path: root, waitForCompletion: true } }, undefined, { timeout: 300_000 })) as CallToolResult;
      if (result.isError) throw new Error(`final index of ${root} failed: ${JSON.stringify(result.content)}`);
    }
    const cleanHome = tempFolder('soak-clean');
    const equal: Record<string, boolean> = {};
    try {
      for (const root of [soak.projectA, soak.projectB]) {
        const clean = await runCli(cleanHome.path, ['index', root]);
        if (clean.code !== 0) throw new Error(`clean index failed: ${clean.stderr}`);
        equal[path.basename(root)] = JSON.stringify(indexSnapshot(soak.cluster.home, root)) === JSON.stringify(indexSnapshot(cleanHome.path, root));
      }
    } finally {
      cleanHome.remove();
    }

    const tenures = tenuresOf(soak.cluster.all, soak.cluster.killedAt, Date.now());
    const rawOverlaps = allOverlaps(tenures);
    // A leader frozen past the stale time is replaced while it cannot run a single instruction; when it
    // resumes, its writes are refused (see deposed writes) and it steps down. Its tenure as a writer
    // ended when it froze; its role line only says when it noticed.
    const overlaps = allOverlaps(tenures.map((tenure) => clipFrozen(tenure, soak.longStops.get(tenure.pid) ?? [])));
    const duplicates = duplicateLeaderEpochs(soak.cluster.all);
    const deposed = deposedWrites(soak.cluster.home);
    const outcomes = new Map<string, number>();
    const errors = new Map<string, number>();
    for (const request of soak.requests) {
      outcomes.set(`${request.kind}:${request.outcome}`, (outcomes.get(`${request.kind}:${request.outcome}`) ?? 0) + 1);
      if (request.outcome === 'error') errors.set(request.error!.replace(/\d+/g, '#'), (errors.get(request.error!.replace(/\d+/g, '#')) ?? 0) + 1);
    }
    const unanswered = soak.requests.filter((request) => request.outcome === 'timeout' || request.outcome === 'pending').length;
    const churnEvents = [...soak.churn.values()].reduce((sum, count) => sum + count, 0);
    const seconds = (Date.now() - started) / 1000;

    const out = (line = ''): void => void process.stdout.write(`${line}\n`);
    out('Baton soak benchmark');
    out(`  ${churnEvents} churn events in ${seconds.toFixed(0)} s: ${[...soak.churn].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
    out(`  ${soak.requests.length} requests through followers meanwhile: ${[...outcomes].sort().map(([key, count]) => `${key} ${count}`).join(', ')}`);
    for (const [text, count] of [...errors].sort((a, b) => b[1] - a[1])) out(`    ${String(count).padStart(4)}× error: ${text}`);
    out(`  leader tenures ${tenures.length}; overlapping (every pair) ${overlaps.length}; epochs claimed twice ${duplicates.length}`);
    out(`    (counting a tenure until its step-down line, ${rawOverlaps.length} overlap: each a leader frozen past the stale time, replaced while stopped)`);
    for (const problem of [...overlaps, ...duplicates]) out(`    ${problem}`);
    out(`  writes from a deposed epoch: ${deposed.length}`);
    for (const write of deposed.slice(0, 10)) out(`    ${write.path}: epoch ${write.writer_epoch} under stored ${write.stored_epoch}`);
    out(`  requests unanswered: ${unanswered}; acknowledged saves missing from the index: ${lost.length}${lost.length ? ` (${lost.slice(0, 5).join(', ')})` : ''}`);
    out(`  index equals a clean rebuild: ${Object.entries(equal).map(([name, same]) => `${name} ${same ? 'yes' : 'NO'}`).join(', ')}`);
    out(
      JSON.stringify({
        bench: 'soak',
        seconds: Math.round(seconds),
        churnEvents,
        churn: Object.fromEntries(soak.churn),
        requests: soak.requests.length,
        outcomes: Object.fromEntries(outcomes),
        tenures: tenures.length,
        overlaps: overlaps.length,
        overlapsUntilStepDownLine: rawOverlaps.length,
        longStops: [...soak.longStops.values()].reduce((sum, stops) => sum + stops.length, 0),
        duplicateEpochs: duplicates.length,
        deposedWrites: deposed.length,
        unanswered,
        lostSaves: lost.length,
        equalToCleanRebuild: equal,
      }),
    );
    if (overlaps.length + duplicates.length + deposed.length + unanswered + lost.length > 0 || Object.values(equal).includes(false)) process.exitCode = 1;
  } finally {
    workloadRunning = false;
    await soak.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
