/**
 * A stricter companion to test/helpers' tenureViolations (which compares
 * each tenure with the one just before it): every tenure is compared with
 * every earlier one, so a long tenure overlapping a later, non-adjacent one
 * is found too. Also checks that leader epochs are unique.
 */
import type { ServerProcess, Tenure } from '../../test/helpers/server-process.ts';

export function allOverlaps(tenures: readonly Tenure[]): string[] {
  const sorted = [...tenures].sort((a, b) => a.start - b.start);
  const problems: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const earlier = sorted[i]!;
      const later = sorted[j]!;
      if (later.start >= earlier.end) continue;
      problems.push(`overlap: pid ${earlier.pid} (epoch ${earlier.epoch}) ${earlier.start}–${earlier.end}, pid ${later.pid} (epoch ${later.epoch}) from ${later.start} (${earlier.end - later.start} ms)`);
    }
  }
  return problems;
}

/** Epochs claimed by more than one leader event (across every process of the run). */
export function duplicateLeaderEpochs(servers: readonly ServerProcess[]): string[] {
  const byEpoch = new Map<number, number[]>();
  for (const server of servers) {
    for (const event of server.roleEvents) {
      if (event.role !== 'leader') continue;
      byEpoch.set(event.epoch, [...(byEpoch.get(event.epoch) ?? []), event.pid]);
    }
  }
  return [...byEpoch].filter(([, pids]) => pids.length > 1).map(([epoch, pids]) => `epoch ${epoch} claimed ${pids.length} times (pids ${pids.join(', ')})`);
}
