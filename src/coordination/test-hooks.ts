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
  'takeover';

export async function testHook(name: HookName): Promise<void> {
  if (!enabled.has(name)) return;
  const resumed = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
  process.stderr.write(`${JSON.stringify({ event: 'hook', hook: name, pid: process.pid })}\n`);
  await resumed;
}
