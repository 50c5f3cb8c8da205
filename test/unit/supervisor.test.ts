import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { EXIT_UNSUITABLE_RUNTIME } from '../../src/protocol/server-env.ts';
import type { LaunchSpec } from '../../src/extension/launch.ts';
import { DEFAULT_POLICY, Supervisor, type RestartPolicy, type SupervisedChild, type SupervisorState, type Timers } from '../../src/extension/supervisor.ts';

/** Lets promise chains, stream events and the fake children's exits settle. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A manual clock: timers fire only when a test advances time. */
class FakeClock implements Timers {
  private time = 0;
  private nextId = 0;
  private timers: { id: number; at: number; callback: () => void }[] = [];
  /** Every delay asked for, in order. */
  readonly requested: number[] = [];
  readonly cleared: number[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.timers.push({ id, at: this.time + ms, callback });
    this.requested.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.cleared.push(handle as number);
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  now(): number {
    return this.time;
  }

  /** Remaining time of each pending timer. */
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.time);
  }

  /** Moves time forward, firing due timers in order and letting each one's consequences settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

type StopStep = 'stdin' | 'SIGTERM' | 'SIGKILL' | 'never';

/** A child process: real streams, recorded stdin end and signals, exits when told (or at the step of a stop it obeys). */
class FakeChild extends EventEmitter implements SupervisedChild {
  readonly pid: number;
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  /** stdin end and signals, in the order they reached the child. */
  readonly received: string[] = [];
  exited = false;
  private readonly diesOn: StopStep;
  private readonly exitCodeOnStdinEnd: number;

  constructor(pid: number, diesOn: StopStep, exitCodeOnStdinEnd: number) {
    super();
    this.pid = pid;
    this.diesOn = diesOn;
    this.exitCodeOnStdinEnd = exitCodeOnStdinEnd;
    this.stdin.resume();
    this.stdin.on('finish', () => {
      this.received.push('stdin-end');
      if (this.diesOn === 'stdin') this.exit(this.exitCodeOnStdinEnd, null);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.received.push(signal);
    // A real process dies a little later, never inside kill().
    if (signal === this.diesOn) setImmediate(() => this.exit(null, signal));
    return true;
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code, signal);
  }

  /** Writes to stderr and lets the supervisor read it before anything else happens. */
  async writeStderr(text: string): Promise<void> {
    this.stderr.write(text);
    await settle();
  }
}

interface HarnessOptions {
  readonly policy?: RestartPolicy;
  readonly diesOn?: StopStep;
  readonly exitCodeOnStdinEnd?: number;
  /** When set, spawn throws this instead of returning a child. */
  readonly spawnError?: Error;
}

function harness(options: HarnessOptions = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const states: SupervisorState[] = [];
  const specs: LaunchSpec[] = [];
  let launches = 0;
  const supervisor = new Supervisor({
    spawn: (spec) => {
      specs.push(spec);
      if (options.spawnError) throw options.spawnError;
      const child = new FakeChild(1000 + children.length, options.diesOn ?? 'stdin', options.exitCodeOnStdinEnd ?? 0);
      children.push(child);
      return child;
    },
    // A fresh spec at every start, so a test can see that a restart reads it again.
    launch: () => ({ command: '/usr/bin/node', args: ['/ext/dist/cli.js', 'mcp'], env: { LAUNCH: String(++launches) } }),
    onStateChange: (state) => states.push(state),
    timers: clock,
    policy: options.policy ?? DEFAULT_POLICY,
  });
  const lastChild = (): FakeChild => {
    const child = children.at(-1);
    assert.ok(child, 'no child was spawned');
    return child;
  };
  const kinds = (): string[] => states.map((state) => state.kind);
  /** The delays of every 'restarting' state so far. */
  const restartDelays = (): number[] => states.flatMap((state) => (state.kind === 'restarting' ? [state.delayMs] : []));
  return { clock, children, states, specs, supervisor, lastChild, kinds, restartDelays };
}

/** Crashes the current child and waits out the restart delay the supervisor chose. */
async function crashAndWaitForRestart(h: ReturnType<typeof harness>, code = 1): Promise<number> {
  h.lastChild().exit(code, null);
  await settle();
  const state = h.supervisor.current;
  assert.equal(state.kind, 'restarting');
  await h.clock.advance(state.delayMs);
  return state.delayMs;
}

test('start spawns the launch spec once and reports starting, then running with that child', () => {
  const h = harness();
  h.supervisor.start();
  assert.deepEqual(h.kinds(), ['starting', 'running']);
  assert.equal(h.children.length, 1);
  assert.deepEqual(h.specs, [{ command: '/usr/bin/node', args: ['/ext/dist/cli.js', 'mcp'], env: { LAUNCH: '1' } }]);
  const running = h.supervisor.current;
  assert.equal(running.kind, 'running');
  assert.equal(running.child, h.children[0]);

  h.supervisor.start(); // already running: nothing happens
  assert.equal(h.children.length, 1);
  assert.deepEqual(h.kinds(), ['starting', 'running']);
});

test('an unexpected exit restarts after 1 s, with the exit code and the last stderr line as the reason', async () => {
  const h = harness();
  h.supervisor.start();
  await h.lastChild().writeStderr('baton: indexing /repo\nbaton: database is locked\n');
  h.lastChild().exit(1, null);

  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'the server exited (code 1): baton: database is locked' });
  assert.deepEqual(h.clock.pending, [1000]);

  await h.clock.advance(999);
  assert.equal(h.children.length, 1, 'no restart before the delay is over');
  await h.clock.advance(1);
  assert.equal(h.children.length, 2);
  assert.deepEqual(h.kinds(), ['starting', 'running', 'restarting', 'starting', 'running']);
  assert.deepEqual(h.specs.at(-1)?.env, { LAUNCH: '2' }, 'the launch spec is read again at every start');
});

test('a death by signal names the signal; an exit without stderr has no trailing colon', async () => {
  const h = harness();
  h.supervisor.start();
  h.lastChild().exit(null, 'SIGSEGV');
  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'the server exited (SIGSEGV)' });
  await h.clock.advance(1000);
  h.lastChild().exit(3, null);
  assert.equal(h.supervisor.current.kind === 'restarting' && h.supervisor.current.reason, 'the server exited (code 3)');
});

test('restarts back off 1 s, 2 s, 4 s, 8 s, and the fifth crash within 3 minutes gives up', async () => {
  const h = harness();
  h.supervisor.start();
  for (let crash = 1; crash <= 4; crash++) await crashAndWaitForRestart(h);
  assert.deepEqual(h.restartDelays(), [1000, 2000, 4000, 8000]);
  assert.equal(h.children.length, 5);

  h.lastChild().exit(1, null);
  await settle();
  const failed = h.supervisor.current;
  assert.equal(failed.kind, 'failed');
  assert.match(failed.reason, /^the server exited \(code 1\) — 5 crashes in 3 minutes, not restarting$/);
  assert.deepEqual(h.clock.pending, [], 'no restart is scheduled');

  await h.clock.advance(600_000);
  assert.equal(h.children.length, 5, 'a failed supervisor stays down');
  assert.equal(h.supervisor.current.kind, 'failed');
});

test('the backoff doubles up to the 30 s cap', async () => {
  const h = harness({ policy: { ...DEFAULT_POLICY, crashLimit: 100 } });
  h.supervisor.start();
  for (let crash = 1; crash <= 8; crash++) await crashAndWaitForRestart(h);
  assert.deepEqual(h.restartDelays(), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  assert.equal(h.children.length, 9);
});

test('crashes older than the 3 minute window are forgotten: slow crashes never give up, and the delay follows the recent ones', async () => {
  const h = harness();
  h.supervisor.start();
  for (let crash = 1; crash <= 7; crash++) {
    await crashAndWaitForRestart(h);
    await h.clock.advance(60_000); // each server lives a minute
  }
  // crashes at 0, 61, 123, 187, 251, 315, 379 s: at most three of them within any 3 minutes
  assert.deepEqual(h.restartDelays(), [1000, 2000, 4000, 4000, 4000, 4000, 4000]);
  assert.equal(h.supervisor.current.kind, 'running');

  await h.clock.advance(600_000); // a long healthy run forgets every crash
  await crashAndWaitForRestart(h);
  assert.equal(h.restartDelays().at(-1), 1000);
});

test('exit code 78 (unsuitable runtime) fails at once with the last stderr line as the reason', async () => {
  const h = harness();
  h.supervisor.start();
  await h.lastChild().writeStderr('baton: needs Node 22.13 or newer with its built-in SQLite (node:sqlite); this is Electron 37 (Node 22.12.0).\n');
  h.lastChild().exit(EXIT_UNSUITABLE_RUNTIME, null);

  assert.deepEqual(h.supervisor.current, { kind: 'failed', reason: 'needs Node 22.13 or newer with its built-in SQLite (node:sqlite); this is Electron 37 (Node 22.12.0).' });
  assert.deepEqual(h.kinds(), ['starting', 'running', 'failed']);
  assert.deepEqual(h.clock.pending, []);
  await h.clock.advance(600_000);
  assert.equal(h.children.length, 1, 'restarting would not help');
});

test('exit code 78 without any stderr still gives a reason', async () => {
  const h = harness();
  h.supervisor.start();
  h.lastChild().exit(EXIT_UNSUITABLE_RUNTIME, null);
  await settle();
  const failed = h.supervisor.current;
  assert.equal(failed.kind, 'failed');
  assert.match(failed.reason, /\S/);
  assert.match(failed.reason, /78/);
});

test('a spawn that throws is a failed start: restarted with backoff, then given up', async () => {
  const h = harness({ spawnError: new Error('spawn /usr/bin/node EACCES') });
  h.supervisor.start();
  assert.deepEqual(h.kinds(), ['starting', 'restarting']);
  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'could not start the server: spawn /usr/bin/node EACCES' });

  for (const delay of [1000, 2000, 4000, 8000]) await h.clock.advance(delay);
  assert.equal(h.specs.length, 5);
  const failed = h.supervisor.current;
  assert.equal(failed.kind, 'failed');
  assert.match(failed.reason, /^could not start the server: spawn \/usr\/bin\/node EACCES — 5 crashes/);
  assert.deepEqual(h.restartDelays(), [1000, 2000, 4000, 8000]);
});

test("a child's 'error' event is a failed start, counted once even when 'exit' follows", async () => {
  const h = harness();
  h.supervisor.start();
  const child = h.lastChild();
  child.emit('error', new Error('spawn /nowhere/node ENOENT'));
  child.exit(-2, null);
  await settle();

  assert.deepEqual(h.kinds(), ['starting', 'running', 'restarting']);
  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'could not start the server: spawn /nowhere/node ENOENT' });
  assert.deepEqual(h.clock.pending, [1000], 'one restart, not two');
  await h.clock.advance(1000);
  assert.equal(h.children.length, 2);
  assert.equal(h.supervisor.current.kind, 'running');
});

test('stop() closes stdin first; a server that leaves then gets no signal and no restart', async () => {
  const h = harness({ diesOn: 'stdin' });
  h.supervisor.start();
  const child = h.lastChild();
  await h.supervisor.stop();

  assert.deepEqual(child.received, ['stdin-end']);
  assert.ok(child.exited);
  assert.deepEqual(h.kinds(), ['starting', 'running', 'stopped']);
  await h.clock.advance(600_000);
  assert.equal(h.children.length, 1, 'never restarted after a deliberate stop');
  assert.equal(h.supervisor.current.kind, 'stopped');
});

test('a server that exits with an error code while stopping is not a crash', async () => {
  const h = harness({ diesOn: 'stdin', exitCodeOnStdinEnd: 1 });
  h.supervisor.start();
  await h.supervisor.stop();
  assert.deepEqual(h.kinds(), ['starting', 'running', 'stopped']);
  await h.clock.advance(600_000);
  assert.equal(h.children.length, 1);
});

test('stop() escalates in bounded steps: stdin end, 2 s, SIGTERM, 2 s, SIGKILL', async () => {
  const h = harness({ diesOn: 'SIGKILL' });
  h.supervisor.start();
  const child = h.lastChild();
  let stopped = false;
  const stopping = h.supervisor.stop().then(() => (stopped = true));

  await h.clock.advance(1999);
  assert.deepEqual(child.received, ['stdin-end']);
  await h.clock.advance(1);
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM']);
  await h.clock.advance(1999);
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM']);
  assert.equal(stopped, false, 'stop() waits while the process lives');
  assert.equal(h.supervisor.current.kind, 'running');
  await h.clock.advance(1);
  await stopping;

  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM', 'SIGKILL']);
  assert.ok(child.exited);
  assert.deepEqual(h.kinds(), ['starting', 'running', 'stopped']);
  assert.deepEqual(h.clock.requested, [2000, 2000, 2000], 'each step waits stopStepMs');
  await h.clock.advance(600_000);
  assert.equal(h.children.length, 1, 'no restart after the killed server exits');
});

test('a server that obeys SIGTERM is not sent SIGKILL', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  const child = h.lastChild();
  const stopping = h.supervisor.stop();
  await h.clock.advance(2000);
  await stopping;
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM']);
  await h.clock.advance(10_000);
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM']);
  assert.equal(h.supervisor.current.kind, 'stopped');
});

test('an unkillable server is forgotten after the last step: stop() still resolves and its late exit is ignored', async () => {
  const h = harness({ diesOn: 'never' });
  h.supervisor.start();
  const child = h.lastChild();
  let stopped = false;
  const stopping = h.supervisor.stop().then(() => (stopped = true));
  await h.clock.advance(5999);
  assert.equal(stopped, false);
  await h.clock.advance(1);
  await stopping;
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM', 'SIGKILL']);
  assert.equal(h.supervisor.current.kind, 'stopped');

  child.exit(null, 'SIGKILL');
  await h.clock.advance(60_000);
  assert.equal(h.supervisor.current.kind, 'stopped', 'a late exit of a forgotten child changes nothing');
  assert.equal(h.children.length, 1);

  h.supervisor.start();
  assert.equal(h.children.length, 2, 'start() launches a fresh server');
  assert.equal(h.supervisor.current.kind, 'running');
});

test('concurrent stop() calls share one sequence of steps', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  const child = h.lastChild();
  const first = h.supervisor.stop();
  const second = h.supervisor.stop();
  await h.clock.advance(2000);
  await Promise.all([first, second]);
  assert.deepEqual(child.received, ['stdin-end', 'SIGTERM']);
  assert.deepEqual(h.kinds(), ['starting', 'running', 'stopped']);
});

test('stop() while a restart is pending cancels it', async () => {
  const h = harness();
  h.supervisor.start();
  h.lastChild().exit(1, null);
  assert.equal(h.supervisor.current.kind, 'restarting');
  await h.supervisor.stop();
  assert.deepEqual(h.kinds(), ['starting', 'running', 'restarting', 'stopped']);
  assert.equal(h.clock.cleared.length, 1);
  assert.deepEqual(h.clock.pending, []);
  await h.clock.advance(600_000);
  assert.equal(h.children.length, 1);
});

test('stop() with nothing running reports stopped', async () => {
  const h = harness();
  await h.supervisor.stop();
  assert.deepEqual(h.kinds(), ['stopped']);
  assert.equal(h.children.length, 0);
});

test('start() during a pending restart launches at once and drops the timer', async () => {
  const h = harness();
  h.supervisor.start();
  h.lastChild().exit(1, null);
  h.supervisor.start();
  assert.equal(h.children.length, 2);
  assert.deepEqual(h.clock.pending, []);
  await h.clock.advance(10_000);
  assert.equal(h.children.length, 2, 'the cancelled timer does not launch a third server');
});

test('restart() stops in bounded steps, starts a fresh server with the latest spec, and forgets the crash history', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  for (let crash = 1; crash <= 4; crash++) await crashAndWaitForRestart(h);
  assert.deepEqual(h.restartDelays(), [1000, 2000, 4000, 8000]);
  const old = h.lastChild();
  h.states.length = 0;

  const restarting = h.supervisor.restart();
  await h.clock.advance(2000);
  await restarting;
  assert.deepEqual(old.received, ['stdin-end', 'SIGTERM']);
  assert.deepEqual(h.kinds(), ['stopped', 'starting', 'running']);
  assert.equal(h.children.length, 6);
  assert.deepEqual(h.specs.at(-1)?.env, { LAUNCH: '6' });

  // Without the reset this would be the fifth crash in 3 minutes: failed.
  h.lastChild().exit(1, null);
  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'the server exited (code 1)' });
});

test('restart() after giving up starts again', async () => {
  const h = harness();
  h.supervisor.start();
  h.lastChild().exit(EXIT_UNSUITABLE_RUNTIME, null);
  assert.equal(h.supervisor.current.kind, 'failed');
  await h.supervisor.restart();
  assert.deepEqual(h.kinds().slice(-3), ['stopped', 'starting', 'running']);
  assert.equal(h.children.length, 2);
});

test('two restart() calls at once leave exactly one server running', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  const old = h.lastChild();
  const both = Promise.all([h.supervisor.restart(), h.supervisor.restart()]);
  await h.clock.advance(2000);
  await both;
  assert.deepEqual(old.received, ['stdin-end', 'SIGTERM']);
  assert.equal(h.children.length, 2, 'one fresh server, no orphan');
  const running = h.supervisor.current;
  assert.equal(running.kind, 'running');
  assert.equal(running.child, h.children[1]);
});

test('a stop() that arrives while a restart() is stopping wins: nothing is started afterwards', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  const restarting = h.supervisor.restart();
  const stopping = h.supervisor.stop(); // e.g. the window closes mid-restart
  await h.clock.advance(2000);
  await Promise.all([restarting, stopping]);
  assert.equal(h.children.length, 1);
  assert.equal(h.supervisor.current.kind, 'stopped');
});

test('abandon ends a running child that cannot be used in steps, then restarts it like a crash with its reason', async () => {
  const h = harness({ diesOn: 'SIGTERM' });
  h.supervisor.start();
  const stuck = h.lastChild();
  h.supervisor.abandon(stuck, 'the server did not answer the MCP handshake: timed out');
  h.supervisor.abandon(stuck, 'a second call changes nothing');
  await settle();
  assert.deepEqual(stuck.received, ['stdin-end']);
  await h.clock.advance(DEFAULT_POLICY.stopStepMs);
  assert.deepEqual(stuck.received, ['stdin-end', 'SIGTERM']);
  assert.ok(stuck.exited);
  assert.deepEqual(h.supervisor.current, { kind: 'restarting', delayMs: 1000, reason: 'the server did not answer the MCP handshake: timed out' });
  await h.clock.advance(1000);
  assert.equal(h.children.length, 2);
  assert.equal(h.supervisor.current.kind, 'running');
});

test('abandon of a child that is no longer the current one, or during a stop, does nothing', async () => {
  const h = harness();
  h.supervisor.start();
  const first = h.lastChild();
  await crashAndWaitForRestart(h);
  h.supervisor.abandon(first, 'stale');
  await settle();
  assert.equal(h.children.length, 2);
  assert.deepEqual(h.lastChild().received, []);
  const stopping = h.supervisor.stop();
  h.supervisor.abandon(h.lastChild(), 'during a stop');
  await stopping;
  assert.equal(h.supervisor.current.kind, 'stopped');
  await h.clock.advance(60_000);
  assert.equal(h.children.length, 2, 'nothing restarted after a deliberate stop');
});
