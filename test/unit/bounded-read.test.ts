import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readBounded, readBoundedSync, type BoundedRead } from '../../src/engine/scan/bounded-read.ts';
import { tempFolder } from '../helpers/paths.ts';

const folder = tempFolder('bounded-read');
const file = (name: string) => path.join(folder.path, name);
const CAP = 100;

before(() => {
  writeFileSync(file('small.txt'), 'hello');
  writeFileSync(file('exact.txt'), 'x'.repeat(CAP));
  writeFileSync(file('large.txt'), 'x'.repeat(CAP + 1));
  writeFileSync(file('empty.txt'), '');
  mkdirSync(file('folder'));
  symlinkSync(file('small.txt'), file('link.txt'));
  if (process.platform !== 'win32') execFileSync('mkfifo', [file('fifo')]);
});
after(() => folder.remove());

/** What a read found, in a form two reads can be compared by (the data as text). */
function summary(read: BoundedRead): unknown {
  return read.kind === 'data' ? { kind: 'data', text: read.data.toString('utf8') } : read;
}

const cases: [string, unknown][] = [
  ['small.txt', { kind: 'data', text: 'hello' }],
  ['exact.txt', { kind: 'data', text: 'x'.repeat(CAP) }],
  ['empty.txt', { kind: 'data', text: '' }],
  ['large.txt', { kind: 'too-large', size: CAP + 1 }],
  ['folder', { kind: 'not-a-file' }],
  ['link.txt', { kind: 'not-a-file' }],
  ['missing.txt', { kind: 'vanished' }],
  ...(process.platform === 'win32' ? [] : ([['fifo', { kind: 'not-a-file' }]] as [string, unknown][])),
];

for (const [name, expected] of cases) {
  test(`reading ${name}: the blocking and the asynchronous read find the same`, async () => {
    assert.deepEqual(summary(await readBounded(file(name), CAP)), expected);
    assert.deepEqual(summary(readBoundedSync(file(name), CAP)), expected);
  });
}
