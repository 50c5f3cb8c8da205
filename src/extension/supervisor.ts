import type { Readable, Writable } from 'node:stream';
import { EXIT_UNSUITABLE_RUNTIME } from '../protocol/server-env.ts';
import type { LaunchSpec } from './launch.ts';

/** The parts of a ChildProcess the supervisor uses (a fake in tests). */
export interface SupervisedChild {
  readonly pid?: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type Spawner = (spec: LaunchSpec) => SupervisedChild;

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface RestartPolicy {
  /** Delay before the n-th restart in a row: first, doubling, capped. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** This many crashes within the window and the supervisor gives up. */
  readonly crashLimit: number;
  readonly crashWindowMs: number;
  /** Each step of a stop (stdin closed, SIGTERM, SIGKILL) waits at most this long. */
  readonly stopStepMs: number;
}

export const DEFAULT_POLICY: RestartPolicy = { firstDelayMs: 1000, maxDelayMs: 30_000, crashLimit: 5, crashWindowMs: 180_000, stopStepMs: 2000 };

export type SupervisorState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly child: SupervisedChild }
  | { readonly kind: 'restarting'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'stopped' };

export interface SupervisorOptions {
  readonly spawn: Spawner;
  /** Read at every start, so a restart picks up changed settings. */
  readonly launch: () => LaunchSpec;
  readonly onStateChange: (state: SupervisorState) => void;
  readonly timers?: Timers;
  readonly policy?: RestartPolicy;
}

/**
 * Keeps one server process alive for a window: restarts it after an
 * unexpected exit with exponential backoff, gives up after too many crashes
 * in a short time (or at once when the runtime cannot run it), never restarts
 * after a deliberate stop, and stops it in bounded steps: end stdin, then
 * SIGTERM, then SIGKILL.
 */
export class Supervisor {
  private readonly options: SupervisorOptions;
  private readonly timers: Timers;
  private readonly policy: RestartPolicy;
  private state: SupervisorState = { kind: 'stopped' };
  private child: SupervisedChild | undefined;
  private crashes: number[] = [];
  private restartTimer: unknown;
  private stopping: Promise<void> | undefined;
  /** Counts stop() calls, so a restart() can tell that a later stop or restart overtook it. */
  private stopRequests = 0;
  /** Children being ended because they could not be used, with the reason their restart reports. */
  private readonly abandoned = new WeakMap<SupervisedChild, string>();

  constructor(options: SupervisorOptions) {
    this.options = options;
    this.timers = options.timers ?? realTimers;
    this.policy = options.policy ?? DEFAULT_POLICY;
  }

  get current(): SupervisorState {
    return this.state;
  }

  /** Starts the server (a no-op while one runs). */
  start(): void {
    if (this.child || this.state.kind === 'starting') return;
    this.cancelRestart();
    this.launch();
  }

  /** Deliberate stop: no restart follows. Resolves once the process is gone. */
  async stop(): Promise<void> {
    this.stopRequests++;
    this.cancelRestart();
    const child = this.child;
    if (!child) {
      this.setState({ kind: 'stopped' });
      return;
    }
    this.stopping ??= this.stopInSteps(child).finally(() => (this.stopping = undefined));
    await this.stopping;
  }

  /**
   * The server runs but cannot be used (its MCP handshake failed, or its
   * connection broke): it is ended in bounded steps, like a stop, and then
   * restarted like after a crash (with backoff, counted against the crash
   * limit), for it may hold the leader seat with nobody to serve.
   */
  abandon(child: SupervisedChild, reason: string): void {
    if (this.child !== child || this.stopping || this.abandoned.has(child)) return;
    this.abandoned.set(child, reason);
    void this.endInSteps(child);
  }

  /** A bounded stop followed by a fresh start, with the crash history forgotten. */
  async restart(): Promise<void> {
    const stopped = this.stop();
    const request = this.stopRequests;
    await stopped;
    // Concurrent callers all wait for the same stop: only the latest may start a
    // server (two restarts would otherwise orphan one; a stop during a restart,
    // e.g. the window closing, must not be followed by a fresh server).
    if (request !== this.stopRequests) return;
    this.crashes = [];
    this.launch();
  }

  private launch(): void {
    this.setState({ kind: 'starting' });
    let child: SupervisedChild;
    try {
      child = this.options.spawn(this.options.launch());
    } catch (error) {
      this.onExit(undefined, `could not start the server: ${(error as Error).message}`, false);
      return;
    }
    this.child = child;
    let stderrTail = '';
    child.stderr.on('data', (data: Buffer | string) => (stderrTail = (stderrTail + data.toString()).slice(-2000)));
    let exited = false;
    const exit = (reason: string, unsuitable: boolean): void => {
      if (exited) return;
      exited = true;
      this.onExit(child, reason, unsuitable);
    };
    // 'error' can come more than once (a failed kill during a stop); each must be handled.
    child.on('error', (error) => exit(`could not start the server: ${error.message}`, false));
    // Writing to a server that just died fails with EPIPE; its exit is what matters.
    child.stdin.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      const lastLine = stderrTail.trim().split('\n').at(-1) ?? '';
      const unsuitable = code === EXIT_UNSUITABLE_RUNTIME;
      exit(unsuitable ? unsuitableReason(lastLine) : `the server exited (${signal ?? `code ${code}`})${lastLine ? `: ${lastLine}` : ''}`, unsuitable);
    });
    this.setState({ kind: 'running', child });
  }

  private onExit(child: SupervisedChild | undefined, exitReason: string, unsuitable: boolean): void {
    if (child && this.child !== child) return;
    this.child = undefined;
    const reason = (child && this.abandoned.get(child)) ?? exitReason;
    if (this.stopping) return; // a deliberate stop: stopInSteps sets the state
    if (unsuitable) {
      this.setState({ kind: 'failed', reason });
      return;
    }
    const now = this.timers.now();
    this.crashes = [...this.crashes.filter((at) => now - at < this.policy.crashWindowMs), now];
    if (this.crashes.length >= this.policy.crashLimit) {
      this.setState({ kind: 'failed', reason: `${reason} — ${this.crashes.length} crashes in ${Math.round(this.policy.crashWindowMs / 60_000)} minutes, not restarting` });
      return;
    }
    const delayMs = Math.min(this.policy.firstDelayMs * 2 ** (this.crashes.length - 1), this.policy.maxDelayMs);
    this.setState({ kind: 'restarting', delayMs, reason });
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = undefined;
      this.launch();
    }, delayMs);
  }

  private async stopInSteps(child: SupervisedChild): Promise<void> {
    const gone = await this.endInSteps(child);
    if (!gone) this.child = undefined; // unkillable: forget it rather than hang the window
    this.setState({ kind: 'stopped' });
  }

  /** End stdin, then SIGTERM, then SIGKILL, each step waiting a bounded time; whether the child exited. */
  private async endInSteps(child: SupervisedChild): Promise<boolean> {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const step = (action: () => void): Promise<boolean> => {
      action();
      return Promise.race([exited.then(() => true), this.delay(this.policy.stopStepMs).then(() => false)]);
    };
    return (await step(() => child.stdin.end())) || (await step(() => child.kill('SIGTERM'))) || (await step(() => child.kill('SIGKILL')));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.setTimeout(resolve, ms));
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private setState(state: SupervisorState): void {
    this.state = state;
    this.options.onStateChange(state);
  }
}

/** The server's own sentence; stderr may be empty (or not yet read when 'exit' fires), and an empty error helps nobody. */
function unsuitableReason(lastLine: string): string {
  const sentence = lastLine.replace(/^baton: /, '');
  return sentence || `the server's runtime cannot run it (exit code ${EXIT_UNSUITABLE_RUNTIME}); set baton.server.nodePath to a current Node`;
}
