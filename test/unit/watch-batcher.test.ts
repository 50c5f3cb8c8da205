import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { ChangeBatcher } from '../../src/engine/watch/change-batcher.ts';

/** Lets the promise chains of a finished batch run (mocked timers do not drive microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

test('events are applied once they have been quiet for the settle time', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    const applied: number[] = [];
    const batcher = new ChangeBatcher({ settleMs: 75, maxDelayMs: 400, apply: async () => void applied.push(Date.now()) });
    batcher.touch();
    mock.timers.tick(50);
    batcher.touch();
    mock.timers.tick(50);
    batcher.touch();
    mock.timers.tick(74);
    assert.deepEqual(applied, []);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(applied, [175]);
    mock.timers.tick(1000);
    await settle();
    assert.deepEqual(applied, [175], 'nothing more without new events');
  } finally {
    mock.timers.reset();
  }
});

test('a steady stream of events is still applied every maxDelay', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    const applied: number[] = [];
    const batcher = new ChangeBatcher({ settleMs: 75, maxDelayMs: 400, apply: async () => void applied.push(Date.now()) });
    for (let at = 0; at < 1000; at += 25) {
      batcher.touch();
      mock.timers.tick(25);
      await settle();
    }
    assert.deepEqual(applied.slice(0, 2), [400, 800]);
    batcher.close();
  } finally {
    mock.timers.reset();
  }
});

test('one batch at a time: events during a batch start the next one after it, and close stops everything', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    let release!: () => void;
    let running = 0;
    let most = 0;
    const starts: number[] = [];
    const batcher = new ChangeBatcher({
      settleMs: 10,
      maxDelayMs: 100,
      apply: () => {
        starts.push(Date.now());
        running++;
        most = Math.max(most, running);
        return new Promise<void>((resolve) => (release = () => { running--; resolve(); }));
      },
    });
    batcher.touch();
    mock.timers.tick(10);
    await settle();
    assert.deepEqual(starts, [10]);
    batcher.touch(); // arrives while the first batch runs
    mock.timers.tick(50);
    await settle();
    assert.deepEqual(starts, [10], 'not while the first batch runs');
    release();
    await settle();
    mock.timers.tick(10);
    await settle();
    assert.deepEqual(starts, [10, 70]);
    assert.equal(most, 1);
    release();
    await settle();
    batcher.close();
    batcher.touch();
    mock.timers.tick(1000);
    await settle();
    assert.equal(starts.length, 2, 'a closed batcher applies nothing');
  } finally {
    mock.timers.reset();
  }
});

test('a batch that fails does not stop later ones', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    let calls = 0;
    const batcher = new ChangeBatcher({ settleMs: 5, maxDelayMs: 50, apply: async () => {
      calls++;
      throw new Error('disk on fire');
    } });
    batcher.touch();
    mock.timers.tick(5);
    await settle();
    batcher.touch();
    mock.timers.tick(5);
    await settle();
    assert.equal(calls, 2);
  } finally {
    mock.timers.reset();
  }
});
