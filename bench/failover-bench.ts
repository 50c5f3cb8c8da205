/**
 * Baton failover benchmark (not a test): how fast a new leader takes over
 * when the leader's client goes away (stdin closed: a clean exit) and when
 * the leader is SIGKILLed (a crash), with 5 real `baton mcp` processes on one
 * fresh BATON_HOME, and whether two leaders ever overlapped.
 *
 *   npm run bench:failover        (builds dist/ first)
 *
 * Each trial takes the current leader away, measures from just before the
 * close/kill (Date.now() in this process) to the `at` of the next leader's
 * role event (another pid, a higher epoch; same machine, same clock), starts
 * a replacement so 5 stay alive, and waits until every live server has a role
 * and every follower has greeted the new leader. Kinds alternate.
 *
 * Environment: BENCH_FAILOVER_TRIALS (trials per kind, default 50: over 200 churn events),
 * BENCH_FAILOVER_SERVERS (default 5).
 * Prints a readable report, then one JSON line with every figure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from './failover/cluster.ts';
import { allOverlaps, duplicateLeaderEpochs } from './failover/tenures.ts';
import { mean, ms, percentile, round } from './stats.ts';
import { tenureViolations, tenuresOf, waitForAny, type ServerProcess } from '../test/helpers/server-process.ts';
import { log, progress } from './report.ts';

type Kind = 'close' | 'kill';

const TRIALS = positiveEnv('BENCH_FAILOVER_TRIALS', 50);
const SERVERS = positiveEnv('BENCH_FAILOVER_SERVERS', 5);
const TARGETS = { closeP95Ms: 100, killP95Ms: 500, overlaps: 0 };
/** A failover slower than this many medians of its kind (and over its target) is shown with the servers' stderr. */
const SLOW_FACTOR = 3;
const NEXT_LEADER_TIMEOUT_MS = 30_000;

const KIND_LABEL: Record<Kind, string> = { close: "leader's client closed", kill: 'leader SIGKILLed' };

interface Trial {
  readonly index: number;
  readonly kind: Kind;
  readonly victimPid: number;
  readonly victimEpoch: number;
  /** Date.now() just before closeClient()/kill(). */
  readonly t0: number;
  /** t0 → the next leader's role event; undefined when none came in time. */
  readonly failoverMs: number | undefined;
  readonly nextPid: number | undefined;
  readonly nextEpoch: number | undefined;
  /** close: t0 → the victim's seat-released line. */
  readonly releasedMs: number | undefined;
  /** t0 → this process saw the victim exit. */
  readonly exitMs: number | undefined;
  readonly victimExit: string;
  /** Leader events above the victim's epoch once the set settled again (1 is a clean handover). */
  leaderEvents: number;
  /** t0 → every live server settled with the replacement in. */
  settledMs: number;
  /** What every server printed from t0 until the next leader was known and the victim gone. */
  readonly stderr: ReadonlyMap<number, string>;
}

function positiveEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

async function runTrial(cluster: Cluster, kind: Kind, index: number): Promise<Trial> {
  const leaders = cluster.leaders;
  if (leaders.length !== 1) throw new Error(`trial ${index}: expected one leader, found ${leaders.length}`);
  const victim = leaders[0]!;
  const victimEpoch = victim.roleEvents.at(-1)!.epoch;
  const offsets = new Map(cluster.live.map((server) => [server.pid, server.stderr.length]));

  const t0 = Date.now();
  let exited: Promise<void>;
  if (kind === 'close') {
    exited = victim.closeClient();
    cluster.stops++;
  } else {
    cluster.killedAt.set(victim.pid, t0);
    victim.kill('SIGKILL');
    exited = victim.waitForExit();
    cluster.kills++;
  }

  const next = (): ReturnType<Cluster['nextLeaderEvent']> => cluster.nextLeaderEvent(victim.pid, victimEpoch);
  await waitForAny(() => next() !== undefined, `a leader after trial ${index}`, NEXT_LEADER_TIMEOUT_MS).catch((error: unknown) =>
    progress(`trial ${index} (${kind}): ${(error as Error).message}`),
  );
  await Promise.race([exited, sleep(10_000)]);
  const nextEvent = next();
  const released = victim.events.findLast((event) => event.event === 'seat-released');
  const stderr = new Map<number, string>();
  for (const server of cluster.all) {
    const offset = offsets.get(server.pid);
    if (offset !== undefined) stderr.set(server.pid, server.stderr.slice(offset));
  }
  return {
    index,
    kind,
    victimPid: victim.pid,
    victimEpoch,
    t0,
    failoverMs: nextEvent ? nextEvent.at - t0 : undefined,
    nextPid: nextEvent?.pid,
    nextEpoch: nextEvent?.epoch,
    releasedMs: released && released.epoch === victimEpoch ? released.at - t0 : undefined,
    exitMs: victim.exited ? victim.exited.at - t0 : undefined,
    victimExit: victim.exited ? (victim.exited.signal ?? `code ${victim.exited.code}`) : 'still running',
    leaderEvents: 0,
    settledMs: Number.NaN,
    stderr,
  };
}

interface Summary {
  readonly trials: number;
  readonly succeeded: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

function summarize(trials: readonly Trial[]): Summary {
  const values = trials.map((trial) => trial.failoverMs).filter((value): value is number => value !== undefined);
  return { trials: trials.length, succeeded: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values), mean: mean(values) };
}

function roundSummary(summary: Summary): Record<string, number> {
  return { trials: summary.trials, succeeded: summary.succeeded, p50: round(summary.p50), p95: round(summary.p95), max: round(summary.max), mean: round(summary.mean) };
}

/** Warning/error log lines of every server, with numbers blanked so that the same message counts once. */
function warningKinds(servers: readonly ServerProcess[]): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const server of servers) {
    for (const line of server.stderr.split('\n')) {
      if (line === '' || line.startsWith('{"event":')) continue;
      const logLine = /^\d{4}-\d\d-\d\dT[\d:.]+Z \[(\w+)\] (.*)$/.exec(line);
      if (logLine && logLine[1] === 'info') continue;
      const text = (logLine ? `[${logLine[1]}] ${logLine[2]}` : `[raw] ${line}`).replace(/\d+/g, '#').slice(0, 200);
      kinds.set(text, (kinds.get(text) ?? 0) + 1);
    }
  }
  return kinds;
}

function indent(text: string, prefix = '      '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

async function main(): Promise<void> {
  const cluster = new Cluster();
  const trials: Trial[] = [];
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping every server and removing ${cluster.home}`);
    void cluster.destroy().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const runStart = Date.now();
  let tenureProblems: string[];
  let strictOverlaps: string[];
  let duplicateEpochs: string[];
  let tenureCount: number;
  let roleEvents: number;
  let warnings: Map<string, number>;
  let badCloseExits: string[];
  try {
    progress(`starting ${SERVERS} servers on ${cluster.home}`);
    cluster.start(SERVERS);
    await cluster.waitSettled('the first election');
    const kinds: Kind[] = Array.from({ length: TRIALS * 2 }, (_, i) => (i % 2 === 0 ? 'close' : 'kill'));
    for (const [index, kind] of kinds.entries()) {
      if (interrupted) return;
      const trial = await runTrial(cluster, kind, index);
      trials.push(trial);
      cluster.start(1);
      await cluster.waitSettled(`the set to settle after trial ${index} (${kind})`);
      trial.settledMs = Date.now() - trial.t0;
      trial.leaderEvents = cluster.leaderEventsAbove(trial.victimEpoch).length;
      progress(
        `${String(index + 1).padStart(3)}/${kinds.length} ${kind.padEnd(5)} failover ${trial.failoverMs === undefined ? 'NONE' : ms(trial.failoverMs)}` +
          ` (pid ${trial.victimPid} e${trial.victimEpoch} → pid ${trial.nextPid ?? '?'} e${trial.nextEpoch ?? '?'}), settled in ${ms(trial.settledMs)}`,
      );
      // Let the new leader's start-up work (endpoint clean-up, resume check) finish, at a varying phase of the 1 s timers.
      await sleep(100 + Math.floor(Math.random() * 200));
    }
    const endedAt = Date.now();
    const tenures = tenuresOf(cluster.all, cluster.killedAt, endedAt);
    tenureCount = tenures.length;
    tenureProblems = tenureViolations(tenures);
    strictOverlaps = allOverlaps(tenures);
    duplicateEpochs = duplicateLeaderEpochs(cluster.all);
    roleEvents = cluster.all.reduce((sum, server) => sum + server.roleEvents.length, 0);
    warnings = warningKinds(cluster.all);
    badCloseExits = trials.filter((trial) => trial.kind === 'close' && trial.victimExit !== 'code 0').map((trial) => `trial ${trial.index}: ${trial.victimExit}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!interrupted) await cluster.destroy();
  }
  const runSeconds = (Date.now() - runStart) / 1000;

  // ── report ───────────────────────────────────────────────────────────────
  const byKind = (kind: Kind): Trial[] => trials.filter((trial) => trial.kind === kind);
  const close = summarize(byKind('close'));
  const kill = summarize(byKind('kill'));
  const overlapCount = tenureProblems.filter((problem) => problem.startsWith('overlap')).length;
  const epochProblems = tenureProblems.filter((problem) => !problem.startsWith('overlap')).length + duplicateEpochs.length;
  const epochJumps = trials.filter((trial) => trial.nextEpoch !== undefined && trial.nextEpoch !== trial.victimEpoch + 1);
  const extraHandovers = trials.filter((trial) => trial.leaderEvents !== 1);
  const timeouts = trials.filter((trial) => trial.failoverMs === undefined);
  const churn = cluster.starts + cluster.stops + cluster.kills;
  const met = {
    close: close.succeeded === close.trials && close.p95 <= TARGETS.closeP95Ms,
    kill: kill.succeeded === kill.trials && kill.p95 <= TARGETS.killP95Ms,
    overlaps: overlapCount === 0 && strictOverlaps.length === 0,
  };
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const releasedValues = byKind('close').flatMap((trial) => (trial.releasedMs === undefined ? [] : [trial.releasedMs]));
  const handoverValues = byKind('close').flatMap((trial) => (trial.releasedMs === undefined || trial.failoverMs === undefined ? [] : [trial.failoverMs - trial.releasedMs]));

  log('Baton failover benchmark');
  log(`  ${SERVERS} baton mcp servers on one fresh BATON_HOME; ${trials.length} trials (kinds alternating); ${runSeconds.toFixed(0)} s in all`);
  log('  failover = Date.now() just before the close/kill → `at` of the next leader\'s role event (higher epoch, other pid)');
  log('');
  log('  kind                      trials     p50      p95      max     mean');
  for (const [kind, summary] of [['close', close], ['kill', kill]] as const) {
    const missing = summary.succeeded < summary.trials ? `  (${summary.trials - summary.succeeded} without a new leader in ${NEXT_LEADER_TIMEOUT_MS / 1000} s)` : '';
    log(
      `  ${KIND_LABEL[kind].padEnd(24)} ${String(summary.trials).padStart(6)} ${ms(summary.p50).padStart(8)} ${ms(summary.p95).padStart(8)} ${ms(summary.max).padStart(8)} ${ms(summary.mean).padStart(8)}${missing}`,
    );
  }
  log(`  client closed, split: stdin end → seat-released p50 ${ms(percentile(releasedValues, 50))} / p95 ${ms(percentile(releasedValues, 95))}; seat-released → new leader p50 ${ms(percentile(handoverValues, 50))} / p95 ${ms(percentile(handoverValues, 95))}`);
  log('');
  log(`  churn events: ${churn} (${cluster.starts} starts, ${cluster.stops} client closes, ${cluster.kills} SIGKILLs); ${roleEvents} role events; ${tenureCount} leader tenures`);
  log(`  overlapping tenures: ${overlapCount} (adjacent check), ${strictOverlaps.length} (every pair); epoch problems: ${epochProblems}`);
  for (const problem of [...tenureProblems, ...strictOverlaps, ...duplicateEpochs]) log(`    ${problem}`);
  if (epochJumps.length > 0) log(`  epoch skipped in ${epochJumps.length} trial(s): ${epochJumps.map((trial) => `#${trial.index} e${trial.victimEpoch}→e${trial.nextEpoch}`).join(', ')}`);
  if (extraHandovers.length > 0) log(`  more than one new leader in ${extraHandovers.length} trial(s): ${extraHandovers.map((trial) => `#${trial.index} (${trial.leaderEvents})`).join(', ')}`);
  if (badCloseExits.length > 0) log(`  closed leaders that did not exit with code 0: ${badCloseExits.join(', ')}`);
  log('');
  log('  targets:');
  log(`    client closed p95 ≤ ${TARGETS.closeP95Ms} ms: ${ms(close.p95)} — ${verdict(met.close)}`);
  log(`    SIGKILL p95 ≤ ${TARGETS.killP95Ms} ms: ${ms(kill.p95)} — ${verdict(met.kill)}`);
  log(`    zero overlapping tenures: ${overlapCount + strictOverlaps.length === 0 ? 'none' : 'some'} — ${verdict(met.overlaps)}`);
  log('  for context, the peer design polls every 5 s: up to 5 s to a new leader after a clean exit, ~15 s after a crash.');

  const slow = trials.filter((trial) => {
    const median = trial.kind === 'close' ? close.p50 : kill.p50;
    const target = trial.kind === 'close' ? TARGETS.closeP95Ms : TARGETS.killP95Ms;
    return trial.failoverMs === undefined || trial.failoverMs > Math.max(target, SLOW_FACTOR * median);
  });
  if (warnings.size > 0) {
    log('');
    log('  warnings/errors the servers logged (numbers blanked):');
    for (const [text, times] of [...warnings].sort((a, b) => b[1] - a[1])) log(`    ${String(times).padStart(4)}× ${text}`);
  }
  if (slow.length > 0) {
    log('');
    log(`  slow trials (over ${SLOW_FACTOR}× the median of their kind and over its target), with what the servers printed:`);
    for (const trial of slow) {
      log(
        `    #${trial.index} ${trial.kind}: failover ${trial.failoverMs === undefined ? 'NONE' : ms(trial.failoverMs)}, victim pid ${trial.victimPid} e${trial.victimEpoch}` +
          ` (${trial.victimExit}${trial.exitMs === undefined ? '' : ` after ${ms(trial.exitMs)}`}${trial.releasedMs === undefined ? '' : `, seat-released after ${ms(trial.releasedMs)}`}), t0 ${new Date(trial.t0).toISOString()}`,
      );
      for (const [pid, text] of trial.stderr) if (text.trim()) log(`      pid ${pid}:\n${indent(text.split('\n').slice(0, 20).join('\n'), '        ')}`);
    }
  }

  log(
    JSON.stringify({
      bench: 'failover',
      servers: SERVERS,
      runSeconds: round(runSeconds),
      closeMs: roundSummary(close),
      killMs: roundSummary(kill),
      closeSplitMs: { releasedP50: round(percentile(releasedValues, 50)), releasedP95: round(percentile(releasedValues, 95)), handoverP50: round(percentile(handoverValues, 50)), handoverP95: round(percentile(handoverValues, 95)) },
      overlaps: overlapCount,
      overlapsEveryPair: strictOverlaps.length,
      epochProblems,
      epochSkips: epochJumps.length,
      extraHandovers: extraHandovers.length,
      timeouts: timeouts.length,
      slowTrials: slow.map((trial) => ({ index: trial.index, kind: trial.kind, ms: trial.failoverMs === undefined ? null : round(trial.failoverMs) })),
      churn: { total: churn, starts: cluster.starts, closes: cluster.stops, kills: cluster.kills },
      roleEvents,
      tenures: tenureCount,
      warnings: [...warnings.values()].reduce((sum, times) => sum + times, 0),
      targets: TARGETS,
      met,
      trialsMs: trials.map((trial) => [trial.kind, trial.failoverMs === undefined ? null : trial.failoverMs]),
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
