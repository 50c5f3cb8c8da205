import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamClientTransport } from '../../src/client/stream-transport.ts';
import { CLI } from './paths.ts';

export interface RoleLine {
  readonly event: 'role';
  readonly role: 'leader' | 'follower';
  readonly epoch: number;
  readonly pid: number;
  readonly at: number;
}

export interface SeatReleasedLine {
  readonly event: 'seat-released';
  readonly epoch: number;
  readonly pid: number;
  readonly at: number;
}

type EventLine = RoleLine | SeatReleasedLine;

/** Woken whenever any server prints or exits. */
const anyServerWaiters = new Set<() => void>();

/**
 * A real `baton mcp` process whose stdin the test holds open (its "client").
 * Its stderr is parsed for the role and seat-released event lines; waiting
 * for one is waiting for an event, not for time.
 */
export class ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: EventLine[] = [];
  stderr = '';
  exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  private readonly waiters = new Set<() => void>();

  /** `cli`: another build's dist/cli.js (mixed-version tests); this checkout's by default. */
  constructor(home: string, env: Record<string, string> = {}, cli = CLI) {
    this.child = spawn(process.execPath, [cli, 'mcp'], { env: { ...process.env, BATON_HOME: home, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stderr.on('data', (data: Buffer) => {
      const text = data.toString();
      this.stderr += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"event":')) continue;
        this.events.push(JSON.parse(line) as EventLine);
      }
      this.wake();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal, at: Date.now() };
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** An MCP client talking to this server over its stdin/stdout (the test still owns the process). */
  async connectClient(name = 'baton-test'): Promise<Client> {
    const client = new Client({ name, version: '0.0.0' });
    await client.connect(new StreamClientTransport(this.child.stdout, this.child.stdin));
    return client;
  }

  get roleEvents(): RoleLine[] {
    return this.events.filter((event): event is RoleLine => event.event === 'role');
  }

  get role(): 'leader' | 'follower' | undefined {
    return this.roleEvents.at(-1)?.role;
  }

  /** Resolves when `condition` holds (checked on every line this process prints and at exit). */
  async waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (pid ${this.pid}); stderr:\n${this.stderr.slice(-2000)}`);
      if (this.exited && !condition()) throw new Error(`pid ${this.pid} exited while waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  waitForRole(role?: 'leader' | 'follower'): Promise<void> {
    return this.waitFor(() => (role ? this.role === role : this.role !== undefined), `role ${role ?? 'any'}`);
  }

  /** Closes stdin (the client went away) and waits for the exit. */
  async closeClient(): Promise<void> {
    this.child.stdin.end();
    await this.waitForExit();
  }

  async waitForExit(): Promise<void> {
    if (!this.exited) await once(this.child, 'exit');
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  private wake(): void {
    for (const wake of [...this.waiters, ...anyServerWaiters]) wake();
    this.waiters.clear();
    anyServerWaiters.clear();
  }
}

/** Waits until `condition` holds, re-checking whenever any of the servers prints or exits. */
export async function waitForAny(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => {
      anyServerWaiters.add(resolve);
      setTimeout(resolve, 200).unref();
    });
  }
}

/** Leader tenures from every process's events: [start, end) with its epoch. A killed leader's tenure ends at its kill. */
export interface Tenure {
  readonly pid: number;
  readonly epoch: number;
  readonly start: number;
  readonly end: number;
}

export function tenuresOf(servers: readonly ServerProcess[], killedAt: ReadonlyMap<number, number>, now = Date.now()): Tenure[] {
  const tenures: Tenure[] = [];
  for (const server of servers) {
    let open: { epoch: number; start: number } | undefined;
    for (const event of server.events) {
      if (event.event === 'role' && event.role === 'leader') open = { epoch: event.epoch, start: event.at };
      else if (open && (event.event === 'seat-released' || (event.event === 'role' && event.role === 'follower'))) {
        tenures.push({ pid: server.pid, epoch: open.epoch, start: open.start, end: event.at });
        open = undefined;
      }
    }
    if (open) tenures.push({ pid: server.pid, epoch: open.epoch, start: open.start, end: killedAt.get(server.pid) ?? server.exited?.at ?? now });
  }
  return tenures.sort((a, b) => a.start - b.start);
}

/** Pairs of tenures that overlap in time, and epochs that do not increase with time. */
export function tenureViolations(tenures: readonly Tenure[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < tenures.length; i++) {
    const previous = tenures[i - 1]!;
    const current = tenures[i]!;
    if (current.start < previous.end) problems.push(`overlap: pid ${previous.pid} (epoch ${previous.epoch}) until ${previous.end}, pid ${current.pid} (epoch ${current.epoch}) from ${current.start}`);
    if (current.epoch <= previous.epoch) problems.push(`epoch did not increase: ${previous.epoch} then ${current.epoch}`);
  }
  return problems;
}
