import v8 from 'node:v8';

/**
 * V8 settings that keep an indexing server's memory down. They are set once,
 * by the main thread, first thing (src/cli/cli.ts), before any grammar is
 * loaded: V8 reads them when it sizes a heap or starts a compile. Not every
 * flag may be changed at run time (see `--no-wasm-inlining` below).
 */
const MEMORY_FLAGS = [
  /**
   * Indexing allocates chunks and drops them at once; with V8's default
   * young generation the heap grows by a hundred megabytes before it
   * collects. Keep it at its initial size instead: collections come more
   * often and each is cheap, since little survives. Set at run time (the
   * server is often started as `node cli.js` by someone else), only the
   * growth factor takes effect: `--max-semi-space-size` given here leaves the
   * young generation at 67 MB instead of 134, where the growth factor keeps
   * it at 2 MB. Measured on the bench corpus with one index worker: peak RSS
   * 404 → 298 MB, CPU +4 %, the same wall time and search latency. The index
   * workers get their own limits (src/engine/indexing/derive-pool.ts).
   */
  '--semi-space-growth-factor=1',
  /**
   * What survives the young generation waits in the old one, where V8 lets
   * garbage pile up to several times what the last full collection kept:
   * the main thread's heap went from 30 to 110 MB and back, again and again,
   * while it indexed the mixed-language corpus. A fixed growth of 15 %
   * collects sooner, and the heap stays under 40 MB.
   */
  '--heap-growing-percent=15',
  /**
   * A grammar's lexer is one function of up to megabytes of WASM, and V8's
   * optimizing compiler takes tens of megabytes for a moment to compile it;
   * by default it compiles several hot functions at once. One at a time, a
   * parse of 60 C# files peaked at 188 MB instead of 214–238 MB.
   * (`--no-wasm-inlining` saved a little more, but set at run time it made
   * Node 24 crash while a worker parsed C#.)
   */
  '--wasm-num-compilation-tasks=1',
];

/**
 * Sets MEMORY_FLAGS for the process. Together, measured with one index worker
 * (docs/indexing.md, "Two V8 settings that do help"): the mixed-language
 * corpus's peak RSS 358–360 → 292–305 MB at about the same speed, the bench
 * corpus's first half 245 → 193 MB at 4 % more CPU.
 */
export function setMemoryFlags(): void {
  for (const flag of MEMORY_FLAGS) v8.setFlagsFromString(flag);
}
