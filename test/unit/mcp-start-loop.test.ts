import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startUntilConnected, type StartLoopDeps } from '../../src/extension/mcp-start-loop.ts';

/** A fake clock: sleep advances it, so the loop's timing is exact and instant. */
type Fake = { -readonly [K in keyof StartLoopDeps]: StartLoopDeps[K] } & { starts: number; sleeps: number[] };

function deps(overrides: Partial<StartLoopDeps> & { connectAfter?: number; failWith?: Error }): Fake {
  let now = 0;
  const state: Fake = {
    starts: 0,
    sleeps: [] as number[],
    startServer: async () => {
      state.starts++;
      if (overrides.failWith) throw overrides.failWith;
    },
    connected: async (): Promise<boolean> => overrides.connectAfter !== undefined && state.starts >= overrides.connectAfter,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    cancelled: () => false,
    ...overrides,
  };
  return state;
}

test('retries the start (which does nothing while VS Code does not know the definition) until the server sees the client', async () => {
  const fake = deps({ connectAfter: 3 });
  const outcome = await startUntilConnected(fake);
  assert.deepEqual(outcome, { kind: 'connected', attempts: 3, elapsedMs: 450 });
  assert.deepEqual(fake.sleeps, [150, 300], 'growing waits between attempts');
});

test('an editor without the command gives up at once', async () => {
  const fake = deps({ failWith: new Error("command 'workbench.mcp.startServer' not found") });
  const outcome = await startUntilConnected(fake);
  assert.equal(outcome.kind, 'unsupported');
  assert.equal(fake.starts, 1);
});

test('other errors are retried until the deadline, and the last one is reported', async () => {
  const fake = deps({ failWith: new Error('Canceled') });
  const outcome = await startUntilConnected(fake, 5000);
  assert.equal(outcome.kind, 'timed-out');
  assert.equal(outcome.kind === 'timed-out' && outcome.lastError, 'Canceled');
  assert.ok(fake.sleeps.every((ms) => ms <= 1000), 'waits are capped at a second');
  assert.ok(fake.now() >= 5000 && fake.now() < 6000);
});

test('a newer start (the server restarted on another port) cancels the older loop', async () => {
  let cancelled = false;
  const fake = deps({ connectAfter: 100, cancelled: () => cancelled });
  const originalSleep = fake.sleep;
  fake.sleep = async (ms: number) => {
    await originalSleep(ms);
    cancelled = true;
  };
  assert.deepEqual(await startUntilConnected(fake), { kind: 'cancelled' });
  assert.equal(fake.starts, 1);
});
