import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `check` holds, re-checking every `everyMs` — for effects of
 * another process that print nothing (a file being indexed): the wait ends
 * with the event, and fails with `what` at the deadline instead of hanging.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
