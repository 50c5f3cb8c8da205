import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cleanedUpAfterTests } from '../helpers/cleanup.ts';
import { ServerProcess, tenureViolations, tenuresOf, waitForAny } from '../helpers/server-process.ts';

const cleanup = cleanedUpAfterTests();

function newHome(): string {
  return cleanup.folder('election');
}

function startServers(home: string, count: number): ServerProcess[] {
  const servers = Array.from({ length: count }, () => new ServerProcess(home));
  cleanup.servers.push(...servers);
  return servers;
}

function leaders(servers: readonly ServerProcess[]): ServerProcess[] {
  return servers.filter((server) => !server.exited && server.role === 'leader');
}

function leaderRecordPid(home: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(home, 'leader.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

test('five servers on one BATON_HOME elect exactly one leader, named in leader.json', async () => {
  const home = newHome();
  const servers = startServers(home, 5);
  await Promise.all(servers.map((server) => server.waitForRole()));
  const elected = leaders(servers);
  assert.equal(elected.length, 1);
  assert.equal(leaderRecordPid(home), elected[0]!.pid);
  for (const follower of servers.filter((server) => server !== elected[0])) {
    assert.equal(follower.role, 'follower');
    assert.equal(follower.roleEvents.at(-1)!.epoch, elected[0]!.roleEvents.at(-1)!.epoch, 'followers know the leader epoch');
  }
  const record = JSON.parse(readFileSync(path.join(home, 'leader.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), ['endpoint', 'epoch', 'host', 'label', 'pid', 'protocol', 'startedAt', 'version']);
});

test("when the leader's client goes away (stdin closed) another server leads, with a higher epoch", async () => {
  const home = newHome();
  const servers = startServers(home, 3);
  await Promise.all(servers.map((server) => server.waitForRole()));
  const [old] = leaders(servers);
  const oldEpoch = old!.roleEvents.at(-1)!.epoch;
  await old!.closeClient();
  assert.equal(old!.exited?.code, 0);
  const rest = servers.filter((server) => server !== old);
  await waitForAny(() => leaders(rest).length === 1, 'a new leader');
  const [next] = leaders(rest);
  assert.ok(next!.roleEvents.at(-1)!.epoch > oldEpoch);
  assert.ok(old!.events.some((event) => event.event === 'seat-released'), 'the old leader announced the end of its tenure');
});

test('when the leader is SIGKILLed another server leads', async () => {
  const home = newHome();
  const servers = startServers(home, 3);
  await Promise.all(servers.map((server) => server.waitForRole()));
  const [old] = leaders(servers);
  old!.kill('SIGKILL');
  const rest = servers.filter((server) => server !== old);
  await waitForAny(() => leaders(rest).length === 1, 'a new leader after SIGKILL');
  assert.equal(leaderRecordPid(home), leaders(rest)[0]!.pid);
});

test('random churn of 20 start/stop/kill events never has two live leaders', async () => {
  const home = newHome();
  const servers = startServers(home, 4);
  await Promise.all(servers.map((server) => server.waitForRole()));
  const killedAt = new Map<number, number>();
  let seed = 20261124;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let step = 0; step < 20; step++) {
    const alive = servers.filter((server) => !server.exited);
    const action = alive.length <= 2 ? 'start' : alive.length >= 6 ? 'stop' : (['start', 'stop', 'kill'] as const)[Math.floor(random() * 3)]!;
    // Leaders are the interesting victims: pick one half of the time.
    const victim = random() < 0.5 ? (leaders(alive)[0] ?? alive[0]!) : alive[Math.floor(random() * alive.length)]!;
    if (action === 'start') {
      const server = startServers(home, 1)[0]!;
      servers.push(server);
      await server.waitForRole();
    } else if (action === 'stop') {
      await victim.closeClient();
    } else {
      killedAt.set(victim.pid, Date.now());
      victim.kill('SIGKILL');
      await victim.waitForExit();
    }
    await waitForAny(() => leaders(servers).length === 1 && servers.every((server) => server.exited || server.role !== undefined), `one leader after step ${step} (${action})`);
  }
  const tenures = tenuresOf(servers, killedAt);
  assert.ok(tenures.length >= 5, `several tenures observed (${tenures.length})`);
  assert.deepEqual(tenureViolations(tenures), []);
});
