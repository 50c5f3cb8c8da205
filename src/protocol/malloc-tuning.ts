/**
 * glibc's allocator raises its mmap threshold (and with it the amount of free
 * memory it keeps instead of giving back) each time a large block is freed.
 * V8's optimizing compiler allocates and frees hundreds of megabytes when a
 * grammar's parser gets hot, and with the raised threshold the process keeps
 * most of it: indexing the mixed-language corpus ended at about 450 MB
 * instead of 260 MB. A fixed threshold turns that off. glibc reads it only
 * when a process starts: the extension puts it in the environment of the
 * server it starts, and a server started without it (`baton mcp` from an
 * agent's configuration) starts itself again with it (src/cli/malloc-restart.ts).
 * Other allocators ignore it. See docs/indexing.md.
 */
const MALLOC_TUNABLE = 'glibc.malloc.mmap_threshold=131072';

/** Whether `env` already fixes glibc's mmap threshold (ours, or the user's own). */
export function hasMallocTuning(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.GLIBC_TUNABLES?.includes('glibc.malloc.mmap_threshold') === true;
}

/** `env` with the allocator tuning added on Linux, unless GLIBC_TUNABLES already sets the threshold. */
export function withMallocTuning(env: Record<string, string>, platform: NodeJS.Platform = process.platform): Record<string, string> {
  if (platform !== 'linux' || hasMallocTuning(env)) return env;
  const current = env.GLIBC_TUNABLES;
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${MALLOC_TUNABLE}` : MALLOC_TUNABLE };
}
