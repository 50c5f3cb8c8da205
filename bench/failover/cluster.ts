/**
 * A set of real `baton mcp` processes on one BATON_HOME, for the failover
 * benchmark: start, stop (client closed) and SIGKILL them, and tell when the
 * set has settled (one leader, every other live server connected to it).
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { homeFiles } from '../../src/coordination/home.ts';
import { tempFolder } from '../../test/helpers/paths.ts';
import { ServerProcess, waitForAny, type RoleLine } from '../../test/helpers/server-process.ts';

export class Cluster {
  readonly home: string;
  /** Every server ever started, in start order (the dead ones too: their events count for the tenures). */
  readonly all: ServerProcess[] = [];
  /** When the benchmark SIGKILLed a process (the end of its tenure if it led). */
  readonly killedAt = new Map<number, number>();
  starts = 0;
  stops = 0;
  kills = 0;
  private readonly removeHome: () => void;

  constructor() {
    const folder = tempFolder('failover');
    this.home = folder.path;
    this.removeHome = folder.remove;
  }

  get live(): ServerProcess[] {
    return this.all.filter((server) => !server.exited && !this.killedAt.has(server.pid));
  }

  get leaders(): ServerProcess[] {
    return this.live.filter((server) => server.role === 'leader');
  }

  start(count = 1): ServerProcess[] {
    const started = Array.from({ length: count }, () => new ServerProcess(this.home));
    this.all.push(...started);
    this.starts += count;
    return started;
  }

  /** Every live server has a role, exactly one leads, and every other one has said hello to it. */
  settled(): boolean {
    const live = this.live;
    if (live.some((server) => server.role === undefined)) return false;
    const leaders = live.filter((server) => server.role === 'leader');
    if (leaders.length !== 1) return false;
    const leader = leaders[0]!;
    const connected = followersConnectedTo(leader);
    return live.every((server) => server === leader || connected.has(server.pid));
  }

  async waitSettled(what: string, timeoutMs = 30_000): Promise<void> {
    await waitForAny(() => this.settled(), what, timeoutMs);
  }

  /** The first leader event with an epoch above `epoch` from a process other than `exceptPid`. */
  nextLeaderEvent(exceptPid: number, epoch: number): RoleLine | undefined {
    let first: RoleLine | undefined;
    for (const server of this.all) {
      if (server.pid === exceptPid) continue;
      for (const event of server.roleEvents) {
        if (event.role === 'leader' && event.epoch > epoch && (!first || event.at < first.at)) first = event;
      }
    }
    return first;
  }

  /** Leader events with an epoch above `epoch` (more than one per failover means a tenure was short-lived). */
  leaderEventsAbove(epoch: number): RoleLine[] {
    return this.all.flatMap((server) => server.roleEvents.filter((event) => event.role === 'leader' && event.epoch > epoch));
  }

  /** SIGKILLs every process still running and removes the home (and a socket folder outside it, if any). */
  async destroy(): Promise<void> {
    for (const server of this.all) if (!server.exited) server.kill('SIGKILL');
    await Promise.race([Promise.all(this.all.map((server) => server.waitForExit())), sleep(10_000)]);
    const { endpointBase } = homeFiles(this.home);
    if (endpointBase !== this.home && !endpointBase.startsWith('\\\\')) rmSync(endpointBase, { recursive: true, force: true });
    this.removeHome();
  }
}

/**
 * Pids of the followers that greeted `leader` in its current tenure (from its
 * "follower connected" log lines). A follower may greet before the leader's
 * role line (the endpoint listens before the epoch is claimed), so the tenure
 * is taken to begin after the end of the previous one, not at the role line.
 */
export function followersConnectedTo(leader: ServerProcess): Set<number> {
  const pids = new Set<number>();
  const { stderr } = leader;
  const leaderLine = stderr.lastIndexOf('{"event":"role","role":"leader"');
  if (leaderLine < 0) return pids;
  const previousEnd = Math.max(
    stderr.lastIndexOf('{"event":"seat-released"', leaderLine),
    stderr.lastIndexOf('{"event":"role","role":"follower"', leaderLine),
    0,
  );
  for (const match of stderr.slice(previousEnd).matchAll(/follower connected: .*\(pid (\d+)\)$/gm)) pids.add(Number(match[1]));
  return pids;
}
