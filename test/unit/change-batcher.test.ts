import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeBatcher, type BatcherTimers } from '../../src/extension/change-batcher.ts';

/** A manual clock: timers fire only when the test advances time. */
class Clock implements BatcherTimers {
  time = 0;
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 0;
  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.push({ id: ++this.nextId, at: this.time + ms, callback });
    return this.nextId;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  now(): number {
    return this.time;
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }
}

function batcher(batchSize = 5000) {
  const clock = new Clock();
  const sent: { at: number; folder: string; files: string[] }[] = [];
  const changes = new ChangeBatcher({
    settleMs: 300,
    maxWaitMs: 2000,
    batchSize,
    timers: clock,
    send: async (folder, files) => void sent.push({ at: clock.time, folder, files }),
  });
  return { clock, sent, changes };
}

test('changes settle for 300 ms after the last one, then go once per folder, each file once', async () => {
  const { clock, sent, changes } = batcher();
  changes.note('/a', '/a/x.ts');
  await clock.advance(200);
  changes.note('/a', '/a/y.ts');
  changes.note('/a', '/a/x.ts');
  changes.note('/b', '/b/z.ts');
  await clock.advance(299);
  assert.deepEqual(sent, []);
  await clock.advance(1);
  assert.deepEqual(sent, [
    { at: 500, folder: '/a', files: ['/a/x.ts', '/a/y.ts'] },
    { at: 500, folder: '/b', files: ['/b/z.ts'] },
  ]);
});

test('a folder that never goes quiet still sends within 2 s of its first change', async () => {
  const { clock, sent, changes } = batcher();
  for (let t = 0; t < 3000; t += 100) {
    changes.note('/busy', `/busy/f${t}.ts`);
    await clock.advance(100);
  }
  assert.ok(sent.length >= 1);
  assert.equal(sent[0]!.at, 2000);
  assert.equal(sent[0]!.files.length, 20);
});

test('more changes than a batch holds go in consecutive batches', async () => {
  const { clock, sent, changes } = batcher(2);
  for (const name of ['a', 'b', 'c', 'd', 'e']) changes.note('/r', `/r/${name}`);
  await clock.advance(300);
  assert.deepEqual(sent.map((batch) => batch.files), [['/r/a', '/r/b'], ['/r/c', '/r/d'], ['/r/e']]);
});

test('dispose drops what is pending', async () => {
  const { clock, sent, changes } = batcher();
  changes.note('/a', '/a/x.ts');
  changes.dispose();
  await clock.advance(5000);
  assert.deepEqual(sent, []);
});
