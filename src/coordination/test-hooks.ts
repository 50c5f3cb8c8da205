/**
 * Pause points that let a multi-process test make a race deterministic: when
 * BATON_TEST_HOOKS names a hook, the process prints
 * `{"event":"hook","hook":"<name>","pid":N}` on stderr when it gets there and
 * waits until it receives SIGUSR2. Without the variable (always, outside
 * tests) a hook costs one lookup and never waits.
 */
const enabled = new Set((process.env.BATON_TEST_HOOKS ?? '').split(',').map((name) => name.trim()).filter(Boolean));

export type HookName =
  /** In a follower's take-over of a frozen leader, after it decided to take over and before it tries the seat. */
  | 'takeover'
  /** After the first committed batch of the first full index run of this process (once per process). */
  | 'first-batch'
  /** When the first full run of this process is done and its merge steps are idle: it writes nothing then (once per process). */
  | 'merges-idle';

const passed = new Set<HookName>();

export async function testHook(name: HookName, options: { once?: boolean } = {}): Promise<void> {
  if (!enabled.has(name)) return;
  if (options.once && passed.has(name)) return;
  passed.add(name);
  const resumed = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
  process.stderr.write(`${JSON.stringify({ event: 'hook', hook: name, pid: process.pid })}\n`);
  await resumed;
}

/** The engine's hooks for this process's BATON_TEST_HOOKS (none without it). */
export function engineTestHooks(): { afterBatch?: (root: string) => Promise<void>; afterMerges?: (root: string) => Promise<void> } {
  return {
    ...(enabled.has('first-batch') ? { afterBatch: () => testHook('first-batch', { once: true }) } : {}),
    ...(enabled.has('merges-idle') ? { afterMerges: () => testHook('merges-idle', { once: true }) } : {}),
  };
}
