import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest, WorkerSettings } from './derive-messages.ts';
import type { DeriveRequest, DerivedFile } from './file-derivation.ts';
import { startThreadPoolHere } from './worker-priority.ts';

/** Derives files, in this thread or in worker threads. */
export interface Deriver {
  derive(request: DeriveRequest): Promise<DerivedFile>;
  /** How many derivations may usefully be in flight at once (the caller's window). */
  readonly parallelism: number;
  /**
   * Starts the threads a run is about to need, so that they load while its
   * scan runs; threads left unused end as idle ones do.
   */
  prepare(): void;
  close(): Promise<void>;
}

/** A worker thread died while it derived this file: the file fails, the run goes on. */
export class DeriveFailedError extends Error {
  override readonly name = 'DeriveFailedError';
}

/**
 * A worker's heap limits. V8 grows a heap that allocates fast long before it
 * collects; a worker allocates a file's text, tree and chunks and drops them
 * at once, so a small young generation (collected often, cheaply) keeps each
 * worker some 100 MB smaller at a cost of a few per cent of time (measured on
 * the bench corpus). The old generation's bound is far above what one file
 * needs: reaching it means a bug, and it costs that file, not the process.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 192 };

/**
 * The server keeps every young generation at its starting size
 * (src/cli/memory-flags.ts), which for a new isolate is 2 MB: a worker would
 * collect every 1 MB it allocates. V8 sizes an isolate's young generation
 * when it creates it, so this flag, set before the first worker starts,
 * gives the workers theirs at the bound above from the start, and leaves the
 * main thread's, sized when the process started, as it is (1 MB). Measured on
 * a one-worker index of the bench corpus's first half (94 MB): 14.65 → 13.9 s,
 * CPU −4 %, the same peak RSS (2026-12-01).
 */
function sizeWorkersYoungGeneration(): void {
  v8.setFlagsFromString(`--min-semi-space-size=${WORKER_HEAP_LIMITS.maxYoungGenerationSizeMb}`);
}

/** Workers of a pool that had nothing to do for this long end, and their grammars' memory goes with them. */
const IDLE_MS = 15_000;
/**
 * Files queued at one worker: enough that it never waits for the next one
 * while the main thread writes a batch (or, with one worker, tokenizes).
 * A one-worker index of the corpus's first half (94 MB, with symbols):
 * 8 → 16 took it from 15.1 to 14.3 s; with the main thread tokenizing,
 * 16 → 32 from 12.3–12.7 to 11.4–11.6 s, and 64 did no better; the same
 * peak RSS and event-loop delay (2026-12-01).
 */
const PER_WORKER_IN_FLIGHT = 32;

/**
 * Which files' search terms the workers make (those of at least this many
 * characters). A lone worker is the thread that bounds a run while the main
 * thread, which only writes, idles about 70 % of it: there the main thread
 * tokenizes the files below the threshold (their chunks come back as
 * `chunked`, see withTerms), and a large file, whose terms would hold the
 * main thread for milliseconds, is still tokenized by the worker. With more
 * workers the main thread would become the bound, so they tokenize every file.
 * A one-worker index of the corpus's first half (94 MB, with symbols), 16
 * files in flight: 13.6–13.8 s with the worker tokenizing, 12.0–12.2 s with
 * the main thread tokenizing every file; with 32 in flight, leaving files of
 * 64 K characters and more to the worker took the main thread's event-loop
 * delay p99 from 47–51 to 34–40 ms at the same speed (2026-12-01).
 */
function termsFromChars(poolSize: number): number {
  return poolSize > 1 ? 0 : MAIN_THREAD_TERMS_BELOW_CHARS;
}
const MAIN_THREAD_TERMS_BELOW_CHARS = 65_536;

/**
 * The default pool size: one worker thread per core but one, which is left
 * to the thread that writes the index and answers the election, IPC and MCP.
 * A one-core machine still gets one worker: the main thread must stay free.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export interface DeriverOptions {
  /** Worker threads; 0 derives in this thread. */
  readonly workers: number;
  /** Extract symbols (default true); off only to measure what they cost. */
  readonly symbols?: boolean;
}

/** A pool of worker threads, or this thread for 0 workers. */
export function createDeriver(options: DeriverOptions): Deriver {
  const symbols = options.symbols ?? true;
  return options.workers === 0 ? new InThreadDeriver(symbols) : new DerivePool(options.workers, symbols);
}

/** Derives in this thread, whatever the pool size (an editor's refresh of a small file: see index-runs.ts). */
export function createInThreadDeriver(options: Pick<DeriverOptions, 'symbols'>): Deriver {
  return new InThreadDeriver(options.symbols ?? true);
}

/**
 * Derives in the calling thread: an editor's refresh of a small file, tests, and machines where
 * threads are unwanted (BATON_INDEX_WORKERS=0). The chunker (tree-sitter and the symbol
 * extractors) is loaded with the first file it derives, and only by this deriver: a process
 * that has only ever parsed in worker threads has not loaded it in its own thread.
 */
class InThreadDeriver implements Deriver {
  readonly parallelism = 8; // reads overlap the parse, as the read-ahead did
  private readonly symbols: boolean;
  private loaded: Promise<(request: DeriveRequest) => Promise<DerivedFile>> | undefined;

  constructor(symbols: boolean) {
    this.symbols = symbols;
  }

  async derive(request: DeriveRequest): Promise<DerivedFile> {
    const derive = await (this.loaded ??= loadInThreadDerivation(this.symbols));
    return derive(request);
  }

  /** Nothing to start: this thread loads the chunker with its first file. */
  prepare(): void {}

  async close(): Promise<void> {}
}

async function loadInThreadDerivation(symbols: boolean): Promise<(request: DeriveRequest) => Promise<DerivedFile>> {
  const [{ Chunker }, { deriveFile }] = await Promise.all([import('../chunk/chunker.ts'), import('./file-derivation.ts')]);
  const chunker = new Chunker({ symbols });
  return (request) => deriveFile(chunker, request);
}

interface PoolWorker {
  readonly worker: Worker;
  readonly inFlight: Map<number, { request: DeriveRequest; resolve: (file: DerivedFile) => void; reject: (error: Error) => void }>;
  ended: boolean;
}

/**
 * Worker threads that derive files. Workers start on demand (a follower,
 * which never indexes, starts none), take the next file as soon as they have
 * room, and end after IDLE_MS without work. A worker that dies fails only
 * the files it held; the next request starts a new one.
 */
class DerivePool implements Deriver {
  readonly parallelism: number;
  private readonly size: number;
  private readonly workers: PoolWorker[] = [];
  private readonly symbols: boolean;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(size: number, symbols: boolean) {
    this.size = size;
    this.symbols = symbols;
    this.parallelism = size * PER_WORKER_IN_FLIGHT;
  }

  derive(request: DeriveRequest): Promise<DerivedFile> {
    clearTimeout(this.idleTimer);
    const target = this.pickWorker();
    const id = this.nextId++;
    return new Promise<DerivedFile>((resolve, reject) => {
      target.inFlight.set(id, { request, resolve, reject });
      // While it holds work the worker keeps the process alive (a CLI run awaits it); idle, it does not.
      target.worker.ref();
      target.worker.postMessage({ id, request } satisfies WorkerRequest);
    });
  }

  prepare(): void {
    if (this.closed) return;
    while (this.workers.length < this.size) this.startWorker();
    this.armIdleTimer();
  }

  /** Ends the workers for good: prepare() starts none after this (a run's derive() still would). */
  async close(): Promise<void> {
    this.closed = true;
    await this.endWorkers();
  }

  private async endWorkers(): Promise<void> {
    clearTimeout(this.idleTimer);
    await Promise.all(this.workers.splice(0).map((entry) => this.end(entry)));
  }

  /** The least busy worker, starting a new one while the pool is below its size and every worker is busy. */
  private pickWorker(): PoolWorker {
    const idlest = this.workers.reduce<PoolWorker | undefined>((best, entry) => (!best || entry.inFlight.size < best.inFlight.size ? entry : best), undefined);
    if (idlest && (idlest.inFlight.size === 0 || this.workers.length >= this.size)) return idlest;
    return this.startWorker();
  }

  private startWorker(): PoolWorker {
    sizeWorkersYoungGeneration();
    startThreadPoolHere();
    const worker = new Worker(workerScript(), {
      env: process.env,
      workerData: { symbols: this.symbols, termsFromChars: termsFromChars(this.size) } satisfies WorkerSettings,
      resourceLimits: WORKER_HEAP_LIMITS,
    });
    const entry: PoolWorker = { worker, inFlight: new Map(), ended: false };
    worker.on('message', (reply: WorkerReply) => this.onReply(entry, reply));
    worker.on('error', (error) => this.onDeath(entry, `its thread failed (${error.message})`));
    worker.on('exit', (code) => this.onDeath(entry, `its thread exited (code ${code})`));
    // The pool must never keep a process alive that has nothing else to do.
    worker.unref();
    this.workers.push(entry);
    return entry;
  }

  private onReply(entry: PoolWorker, reply: WorkerReply): void {
    const pending = entry.inFlight.get(reply.id);
    if (!pending) return;
    entry.inFlight.delete(reply.id);
    if (entry.inFlight.size === 0) entry.worker.unref();
    if ('error' in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply.result);
    this.armIdleTimer();
  }

  /**
   * A worker works on its files one at a time, in the order sent: the oldest
   * it still held is the one it died on, which fails; the others are sent
   * again, to another worker.
   */
  private onDeath(entry: PoolWorker, how: string): void {
    if (entry.ended) return;
    entry.ended = true;
    const index = this.workers.indexOf(entry);
    if (index !== -1) this.workers.splice(index, 1);
    const held = [...entry.inFlight.values()];
    entry.inFlight.clear();
    const [current, ...waiting] = held;
    current?.reject(new DeriveFailedError(`${current.request.path} could not be parsed: ${how}`));
    for (const { request, resolve, reject } of waiting) this.derive(request).then(resolve, reject);
  }

  /** Once nothing is in flight anywhere, idle workers end after IDLE_MS. */
  private armIdleTimer(): void {
    if (this.workers.some((entry) => entry.inFlight.size > 0)) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.endWorkers(), IDLE_MS);
    this.idleTimer.unref();
  }

  private async end(entry: PoolWorker): Promise<void> {
    entry.ended = true;
    for (const { request, reject } of entry.inFlight.values()) reject(new DeriveFailedError(`${request.path} was not parsed: the pool closed`));
    entry.inFlight.clear();
    await entry.worker.terminate();
  }
}

/**
 * The worker's entry: `index-worker.js` next to the bundle in a build
 * (esbuild.mjs makes it), else the source file next to this one.
 */
function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'index-worker.js');
  return existsSync(bundled) ? bundled : path.join(here, 'derive-worker.ts');
}
