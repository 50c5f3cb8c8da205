/**
 * Reproduces a slow failover found with the failover benchmark: a leader
 * SIGKILLed in the few milliseconds of its clean resign (stdin closed, then
 * killed 1–3 ms later, as a client that closes and then kills would do) can
 * die holding breaker.lock. proper-lockfile only deems that lock stale after
 * BREAKER_STALE_MS (2 s), so no follower can take the seat until then.
 *
 *   npm run build && node bench/failover/resign-kill-repro.ts [trials]
 *
 * Prints each trial (failover time and what the home holds just after the
 * kill) and how many trials took over a second.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from './cluster.ts';
import { waitForAny } from '../../test/helpers/server-process.ts';

const TRIALS = Number(process.argv[2] ?? 30);

function homeState(home: string, since: number): string {
  return ['breaker.lock', 'leader.lock', 'leader.json']
    .map((name) => {
      const file = path.join(home, name);
      return existsSync(file) ? `${name} (mtime ${Math.round(statSync(file).mtimeMs - since)} ms)` : `no ${name}`;
    })
    .join(', ');
}

async function main(): Promise<void> {
  const cluster = new Cluster();
  const slow: number[] = [];
  try {
    cluster.start(5);
    await cluster.waitSettled('the first election');
    for (let trial = 0; trial < TRIALS; trial++) {
      const victim = cluster.leaders[0]!;
      const epoch = victim.roleEvents.at(-1)!.epoch;
      const delay = 1 + (trial % 3);
      const t0 = Date.now();
      victim.child.stdin.end();
      await sleep(delay);
      const killedAt = Date.now();
      cluster.killedAt.set(victim.pid, killedAt);
      victim.kill('SIGKILL');
      cluster.kills++;
      await victim.waitForExit();
      const state = homeState(cluster.home, t0);
      await waitForAny(() => cluster.nextLeaderEvent(victim.pid, epoch) !== undefined, `a leader after trial ${trial}`, 30_000);
      const failover = cluster.nextLeaderEvent(victim.pid, epoch)!.at - t0;
      const released = victim.events.some((event) => event.event === 'seat-released' && event.epoch === epoch);
      if (failover > 1000) slow.push(failover);
      process.stdout.write(
        `#${trial} killed ${killedAt - t0} ms after stdin closed (${released ? 'after' : 'before'} seat-released): failover ${failover} ms; just after the kill: ${state}\n`,
      );
      cluster.start(1);
      await cluster.waitSettled(`the set to settle after trial ${trial}`);
      await sleep(150);
    }
  } finally {
    await cluster.destroy();
  }
  process.stdout.write(`${slow.length}/${TRIALS} failovers over 1 s (${slow.map((value) => `${value} ms`).join(', ')})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`repro failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
