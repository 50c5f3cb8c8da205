import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.ts';
import { UserError, errorMessage } from '../engine/errors.ts';
import { isBusy } from '../engine/store/busy-retry.ts';
import { epochFence } from '../engine/store/epochs.ts';
import { NO_WRITER, type IndexStore } from '../engine/store/index-store.ts';
import type { ForwardedMethod, LeaderResults, RequestParams } from '../protocol/ipc.ts';
import type { LeaderInfo, Role } from '../protocol/leader.ts';
import type { IndexProgress } from '../protocol/progress.ts';
import type { Logger } from '../server/logger.ts';
import { BATON_VERSION, PROTOCOL_VERSION, incompatibility, protocolOf } from '../protocol/version.ts';
import { endpointFor, homeFiles, prepareHome, removeDeadEndpoints, type HomeFiles } from './home.ts';
import { LeaderConnection, LeaderRequestError } from './leader-connection.ts';
import { startDuties, stopDuties, type LeaderDuty } from './leader-duties.ts';
import { LeaderEndpoint } from './leader-endpoint.ts';
import { answerFollower, type LeaderServiceContext } from './leader-service.ts';
import { readLeaderRecord, writeLeaderRecord } from './leader-record.ts';
import { isProcessAlive } from './process-liveness.ts';
import { seatLooksStale, tryTakeSeat, underBreaker, type Seat } from './seat.ts';
import { ProgressRelay } from './progress-relay.ts';
import type { RoleChange } from './role-events.ts';
import { StallWatch } from './stall-watch.ts';
import { testHook } from './test-hooks.ts';
import { SAFETY_POLL_MS, SEAT_STALE_MS } from './timing.ts';
import { routeWrite } from './write-router.ts';

export type { RoleChange } from './role-events.ts';
export { roleEventLine, seatReleasedLine } from './role-events.ts';

export interface CoordinatorOptions {
  readonly home: string;
  readonly engine: Engine;
  /** Who this process is, for leader.json and the other windows ("VS Code — projA", "baton mcp (Claude Code)"). */
  readonly label: string;
  readonly log: Logger;
  /**
   * Whether this process takes on a leader's own work when it leads (resuming
   * runs, re-indexing outdated codebases). Off for a one-shot command line,
   * which leads only for the length of its command.
   */
  readonly backgroundDuties?: boolean;
}

type Params<M extends ForwardedMethod> = RequestParams<M>;

/**
 * The election state machine of one process. It joins as soon as it starts:
 * it takes the seat when it can (leader: listens on the endpoint, claims the
 * next epoch, fences every write with it, resumes unfinished jobs) and
 * otherwise follows (connects to the leader and stays connected). The
 * connection closing — at once when the leader dies — triggers a new attempt;
 * a slow poll is only a safety net for a leader that is frozen, not dead.
 */
export class Coordinator {
  readonly files: HomeFiles;
  private readonly engine: Engine;
  private label: string;
  private readonly log: Logger;
  private role: Role = 'starting';
  private currentLeader: LeaderInfo | undefined;
  private seat: Seat | undefined;
  private endpoint: LeaderEndpoint | undefined;
  private connection: LeaderConnection | undefined;
  private electing: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly roleListeners = new Set<(change: RoleChange) => void>();
  private readonly resignListeners = new Set<(epoch: number) => void>();
  private readonly progressListeners = new Set<(progress: IndexProgress) => void>();
  private readonly relay = new ProgressRelay();
  private readonly settledWaiters = new Set<() => void>();
  private readonly stallWatch = new StallWatch();
  private readonly duties = new Set<LeaderDuty>();
  private readonly service: LeaderServiceContext;
  private readonly backgroundDuties: boolean;
  /** Set while the leader's protocol and ours cannot work together. */
  private incompatibleLeader: { readonly pid: number; readonly problem: string } | undefined;

  constructor(options: CoordinatorOptions) {
    this.files = homeFiles(options.home);
    this.engine = options.engine;
    this.label = options.label;
    this.log = options.log;
    this.backgroundDuties = options.backgroundDuties ?? true;
    this.service = {
      engine: this.engine,
      isLeader: () => this.role === 'leader',
      self: () => (this.role === 'leader' ? this.currentLeader : undefined),
      log: this.log,
    };
  }

  get currentRole(): Role {
    return this.role;
  }

  get leader(): LeaderInfo | undefined {
    return this.currentLeader;
  }

  /** Joins the election; resolves once this process is leader or connected to one. */
  async start(): Promise<void> {
    prepareHome(this.files);
    this.engine.store.setWriteFence(NO_WRITER);
    this.engine.onProgress((progress) => this.onLocalProgress(progress));
    this.stallWatch.start();
    await this.elect();
    this.pollTimer = setInterval(() => void this.safetyCheck(), SAFETY_POLL_MS);
    this.pollTimer.unref();
  }

  /** Leaves cleanly: a leader gives up the seat first, so followers take over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    if (this.role === 'leader') await this.resign();
    this.connection?.close();
    this.connection = undefined;
    this.stallWatch.stop();
    this.role = 'stopped';
    this.wakeWaiters();
  }

  /** Renames this process (e.g. once the MCP client said who it is); a leader republishes leader.json. */
  setLabel(label: string): void {
    this.label = label;
    if (this.role === 'leader' && this.currentLeader) {
      this.currentLeader = { ...this.currentLeader, label };
      const leader = this.currentLeader;
      void this.republish(leader).then((published) => {
        if (published) this.endpoint?.broadcast({ event: 'leader', leader });
      });
    }
  }

  onRoleChange(listener: (change: RoleChange) => void): () => void {
    this.roleListeners.add(listener);
    return () => this.roleListeners.delete(listener);
  }

  /** Called just before a leader gives up the seat (its tenure ends here). */
  onResign(listener: (epoch: number) => void): () => void {
    this.resignListeners.add(listener);
    return () => this.resignListeners.delete(listener);
  }

  /** A background job of the leader (see LeaderDuty): runs for as long as this process holds the seat. */
  addLeaderDuty(duty: LeaderDuty): void {
    this.duties.add(duty);
    if (this.role === 'leader' && this.currentLeader) startDuties([duty], this.currentLeader.epoch, this.log);
  }

  /** Progress of every run, wherever it runs: here when leader, the leader's broadcast when follower. */
  onProgress(listener: (progress: IndexProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Runs a write here when leader, else at the leader; across a failover, at the next leader (see routeWrite). */
  write<M extends ForwardedMethod>(method: M, params: Params<M>, local: () => Promise<LeaderResults[M]>): Promise<LeaderResults[M]> {
    return routeWrite(
      {
        settled: (deadline) => this.settled(deadline),
        isLeader: () => this.role === 'leader',
        fenced: () => this.stepDown('a write was fenced'),
        log: this.log,
      },
      method,
      params,
      local,
    );
  }

  // ── election ─────────────────────────────────────────────────────────────

  /**
   * One election at a time: take the seat if possible, else follow the
   * leader; repeat until one works. Everything that tries the seat goes
   * through here (the safety net's take-over included), so two attempts of
   * one process never race each other for its own seat.
   */
  private elect(): Promise<void> {
    this.electing ??= this.runElection().finally(() => (this.electing = undefined));
    return this.electing;
  }

  /** The safety net's take-over of a frozen leader: one attempt at the seat, then a normal election if the leader is gone meanwhile. */
  private takeOver(): Promise<void> {
    this.electing ??= this.runTakeOver().finally(() => (this.electing = undefined));
    return this.electing;
  }

  private async runElection(): Promise<void> {
    let pause = 5;
    for (let attempt = 0; !this.stopped && this.role !== 'leader'; attempt++) {
      try {
        if (await this.tryLead()) return;
        if (await this.tryFollow()) return;
      } catch (error) {
        // A persistent failure (a broken database, a full disk) would repeat this every 250 ms.
        if (attempt % 40 === 0) this.log.warn(`election attempt failed: ${errorMessage(error)}`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 250);
    }
  }

  private async runTakeOver(): Promise<void> {
    await testHook('takeover');
    try {
      if (await this.tryLead()) return;
    } catch (error) {
      this.log.warn(`take-over failed: ${errorMessage(error)}`);
    }
    // The leader may have come back (and still hold the seat), or died meanwhile.
    if (!this.stopped && this.role !== 'leader' && !this.connection?.isOpen) await this.runElection();
  }

  private async tryLead(): Promise<boolean> {
    // The leader this process followed until now, if any: the one it would replace.
    const followed = this.role === 'follower' ? this.currentLeader : undefined;
    let replaced: LeaderInfo | undefined;
    let expectedEpoch = 0;
    let endpoint: LeaderEndpoint | undefined;
    const startedAt = Date.now();
    const address = endpointFor(this.files, process.pid);
    const attempt = await tryTakeSeat({
      files: this.files,
      onCompromised: (error) => void this.stepDown(`the seat was taken over (${error.message})`),
      whileBreakerHeld: async () => {
        replaced = followed ?? readLeaderRecord(this.files.leaderRecord);
        expectedEpoch = this.engine.store.epochs.current() + 1;
        endpoint = await LeaderEndpoint.listen(address, (request, peer) => answerFollower(this.service, request, peer), (message) => this.log.warn(message));
        writeLeaderRecord(this.files.leaderRecord, this.describeSelf(expectedEpoch, address, startedAt));
      },
    });
    if (!attempt.seat) return false;
    this.seat = attempt.seat;
    this.endpoint = endpoint;
    this.connection?.close();
    this.connection = undefined;
    let epoch: number;
    try {
      epoch = await this.claimEpoch();
    } catch (error) {
      // Holding the seat and the endpoint without an epoch would leave no writer anywhere.
      await this.abandonSeat(expectedEpoch);
      throw new Error(`could not claim the next epoch in the index: ${errorMessage(error)}`);
    }
    try {
      // Only the writer migrates (an older leader never sees the schema change under it), then records what it writes.
      this.engine.becomeWriter(this.fenceFor(epoch), epoch);
    } catch (error) {
      this.engine.store.setWriteFence(NO_WRITER);
      await this.abandonSeat(expectedEpoch);
      throw new Error(`could not become the index writer: ${errorMessage(error)}`);
    }
    const self = this.describeSelf(epoch, address, startedAt);
    // Another process claimed an epoch between our look and our claim: the record must carry ours.
    if (epoch !== expectedEpoch) await this.republish(self, expectedEpoch);
    this.changeRole('leader', self, replaced && replaced.pid !== process.pid ? replaced : undefined);
    startDuties(this.duties, epoch, this.log);
    removeDeadEndpoints(this.files, isProcessAlive);
    if (this.backgroundDuties) void this.startBackgroundDuties();
    return true;
  }

  private async tryFollow(): Promise<boolean> {
    const record = readLeaderRecord(this.files.leaderRecord);
    if (!record || record.pid === process.pid) return false;
    if (record.host === os.hostname() && !isProcessAlive(record.pid)) return false;
    let connection: LeaderConnection;
    try {
      connection = await LeaderConnection.open(record.endpoint, { pid: process.pid, label: this.label, protocol: PROTOCOL_VERSION, version: BATON_VERSION });
    } catch (error) {
      if (error instanceof LeaderRequestError && error.kind === 'incompatible') return this.followIncompatible(record, error.message);
      return false;
    }
    if (this.stopped || this.role === 'leader') {
      connection.close();
      return this.role === 'leader';
    }
    const problem = incompatibility(protocolOf(connection.leader), `The leader ${connection.leader.label} (pid ${connection.leader.pid}, Baton ${connection.leader.version ?? '0.1'})`);
    if (problem) {
      connection.close();
      return this.followIncompatible(connection.leader, problem);
    }
    this.incompatibleLeader = undefined;
    this.connection = connection;
    connection.onEvent((event) => {
      if (event.event === 'progress') this.emitProgress(event.progress);
      else this.currentLeader = event.leader;
    });
    connection.onClose(() => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      if (!this.stopped) void this.elect();
    });
    this.changeRole('follower', connection.leader);
    return true;
  }

  /**
   * A leader this process cannot talk to: it stays a follower (searches read
   * the shared index directly), writes fail at once with `problem`, which
   * says which window to reload, and the safety net tries again every second.
   */
  private followIncompatible(leader: LeaderInfo, problem: string): boolean {
    if (this.incompatibleLeader?.problem !== problem) this.log.warn(problem);
    this.incompatibleLeader = { pid: leader.pid, problem };
    this.changeRole('follower', leader);
    return true;
  }

  /**
   * What a leader does on its own: finish clears and resume runs a previous
   * leader left unfinished, then bring up to date the codebases chunked by an
   * older Baton.
   */
  private async startBackgroundDuties(): Promise<void> {
    const deletions = await this.engine.finishDeletions().catch((error: unknown) => {
      this.log.warn(`could not finish deleting cleared codebases: ${errorMessage(error)}`);
      return 0;
    });
    if (deletions > 0) this.log.info(`finished deleting ${deletions} cleared codebase(s)`);
    if (this.role !== 'leader') return;
    const resumed = await this.engine.resumeInterrupted((root, error) => this.log.warn(`could not resume indexing ${root}: ${errorMessage(error)}`));
    for (const root of resumed) this.log.info(`resumed unfinished indexing of ${root}`);
    if (this.role !== 'leader') return;
    const outdated = await this.engine.refreshOutdated((root, error) => this.log.warn(`could not re-index ${root}: ${errorMessage(error)}`));
    for (const { root, outdated: files } of outdated) this.log.info(`re-indexing ${files} files of ${root} that an older Baton or other settings produced`);
  }

  /** Claims the next epoch, waiting (without blocking the event loop) while a frozen former leader holds the write lock. */
  private async claimEpoch(): Promise<number> {
    for (let waited = 0; ; waited++) {
      try {
        return this.engine.store.epochs.claimNext();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (waited % 20 === 0) this.log.warn('waiting for the previous leader to finish its write transaction');
        await sleep(50);
      }
    }
  }

  /** The leader's fence: refuse and step down as soon as the stored epoch is no longer ours. */
  private fenceFor(epoch: number): (db: IndexStore['db']) => void {
    const check = epochFence(epoch);
    return (db) => {
      try {
        check(db);
      } catch (error) {
        void this.stepDown('another leader took over (its epoch is in the index)');
        throw error;
      }
    };
  }

  /** Stops being leader (seat lost or fenced) and joins the election again as anyone else would. */
  private async stepDown(reason: string): Promise<void> {
    if (this.role !== 'leader') return;
    this.log.warn(`stepping down: ${reason}`);
    await this.resign();
    if (!this.stopped) await this.elect();
  }

  /** Gives everything up in the order that lets followers take over at once: the seat, then the endpoint. */
  private async resign(): Promise<void> {
    const epoch = this.currentLeader?.epoch ?? 0;
    stopDuties(this.duties, this.log);
    for (const listener of this.resignListeners) listener(epoch);
    this.role = 'starting';
    this.engine.store.setWriteFence(NO_WRITER);
    this.engine.abortAll();
    await this.abandonSeat(epoch);
  }

  /** Releases the seat and closes the endpoint; the record names us with `epoch` while the seat is ours. */
  private async abandonSeat(epoch: number): Promise<void> {
    const seat = this.seat;
    const endpoint = this.endpoint;
    this.seat = undefined;
    this.endpoint = undefined;
    // leader.json stays: it names the last leader until the next one replaces it (a dead pid means none runs).
    // After a recent stall a takeover may be under way: then ask and release under the breaker.
    const releaseUnderBreaker = this.stallWatch.stalledWithin(2 * SEAT_STALE_MS);
    await seat?.release(() => {
      // Every takeover rewrites leader.json (under the breaker): while it names us, the lock is ours.
      const record = readLeaderRecord(this.files.leaderRecord);
      return record?.pid === process.pid && record.epoch === epoch;
    }, { underBreaker: releaseUnderBreaker });
    await endpoint?.close();
  }

  /** The safety net: a frozen leader keeps its endpoint open, so check the seat's freshness and leader.json. */
  private async safetyCheck(): Promise<void> {
    if (this.stopped || this.electing) return;
    if (this.role === 'leader') {
      // Someone deleted leader.json: publish it again, unless a successor has taken the seat meanwhile.
      if (!readLeaderRecord(this.files.leaderRecord) && this.currentLeader) await this.republish(this.currentLeader, this.currentLeader.epoch, { whenMissing: true });
      return;
    }
    if (this.incompatibleLeader) return void this.elect(); // the leader may have been replaced meanwhile
    const connection = this.connection;
    if (!connection?.isOpen) return void this.elect();
    if (seatLooksStale(this.files)) {
      this.log.warn(`the leader (pid ${connection.leader.pid}) has not refreshed the seat; taking over`);
      await this.takeOver();
      return;
    }
    const record = readLeaderRecord(this.files.leaderRecord);
    if (record && (record.pid !== connection.leader.pid || record.epoch !== connection.leader.epoch)) connection.close();
  }

  // ── serving followers (leader) ───────────────────────────────────────────

  private onLocalProgress(progress: IndexProgress): void {
    if (this.role !== 'leader') return;
    this.emitProgress(progress);
    if (this.relay.shouldBroadcast(progress)) this.endpoint?.broadcast({ event: 'progress', progress });
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  /** Waits until this process is leader, or a follower with an open connection. */
  private async settled(deadline: number): Promise<'leader' | LeaderConnection> {
    for (;;) {
      if (this.stopped) throw new UserError('Baton is shutting down; try again.');
      if (this.role === 'leader') return 'leader';
      if (this.role === 'follower' && this.connection?.isOpen) return this.connection;
      if (this.role === 'follower' && this.incompatibleLeader) throw new UserError(this.incompatibleLeader.problem);
      if (Date.now() > deadline) throw new UserError('no Baton leader is available right now; try again in a moment.');
      void this.elect();
      await new Promise<void>((resolve) => {
        this.settledWaiters.add(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  private changeRole(role: 'leader' | 'follower', leader: LeaderInfo, replaced?: LeaderInfo): void {
    const previousRole = this.role;
    this.role = role;
    this.currentLeader = leader;
    this.wakeWaiters();
    if (role === previousRole) return;
    const change: RoleChange = { role, previousRole, epoch: leader.epoch, leader, replaced };
    for (const listener of this.roleListeners) listener(change);
  }

  private wakeWaiters(): void {
    for (const wake of this.settledWaiters) wake();
    this.settledWaiters.clear();
  }

  private emitProgress(progress: IndexProgress): void {
    for (const listener of this.progressListeners) listener(progress);
  }

  /**
   * Rewrites leader.json under the breaker, and only while it still names
   * this process at `recordedEpoch` (or, with `whenMissing`, is missing while
   * we hold the seat): a deposed leader never overwrites its successor's
   * record. Returns whether it wrote.
   */
  private async republish(leader: LeaderInfo, recordedEpoch = leader.epoch, options: { whenMissing?: boolean } = {}): Promise<boolean> {
    try {
      return await underBreaker(this.files, () => {
        if (!this.seat) return false; // stepped down meanwhile
        const record = readLeaderRecord(this.files.leaderRecord);
        const ours = record ? record.pid === process.pid && record.epoch === recordedEpoch : options.whenMissing === true;
        if (!ours) return false;
        writeLeaderRecord(this.files.leaderRecord, leader);
        return true;
      });
    } catch (error) {
      this.log.warn(`could not update leader.json: ${errorMessage(error)}`);
      return false;
    }
  }

  private describeSelf(epoch: number, endpoint: string, startedAt: number): LeaderInfo {
    return { pid: process.pid, host: os.hostname(), epoch, endpoint, label: this.label, startedAt, protocol: PROTOCOL_VERSION, version: BATON_VERSION };
  }
}
