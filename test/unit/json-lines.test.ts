import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonLineReader } from '../../src/coordination/json-lines.ts';

function reader(maxLineBytes = 64) {
  const values: unknown[] = [];
  const invalid: { reason: string; line: string }[] = [];
  const lines = new JsonLineReader({ maxLineBytes, onValue: (value) => values.push(value), onInvalid: (reason, line) => invalid.push({ reason, line }) });
  return { lines, values, invalid };
}

test('values split across chunks, several in one chunk, and blank lines', () => {
  const { lines, values, invalid } = reader();
  lines.push('{"a":');
  lines.push('1}\n\n{"b":2}\n{"c"');
  lines.push(Buffer.from(':3}\n'));
  assert.deepEqual(values, [{ a: 1 }, { b: 2 }, { c: 3 }]);
  assert.deepEqual(invalid, []);
});

test('a line that is not JSON is reported and the next ones still arrive', () => {
  const { lines, values, invalid } = reader();
  lines.push('nope\n{"ok":true}\n');
  assert.deepEqual(invalid, [{ reason: 'not-json', line: 'nope' }]);
  assert.deepEqual(values, [{ ok: true }]);
});

test('a line over the limit, finished or still arriving, stops the reader for good', () => {
  const finished = reader(16);
  finished.lines.push(`{"x":"${'y'.repeat(20)}"}\n{"after":1}\n`);
  assert.equal(finished.invalid[0]?.reason, 'too-long');
  assert.deepEqual(finished.values, []);

  const arriving = reader(16);
  arriving.lines.push('{"x":"');
  arriving.lines.push('y'.repeat(20));
  assert.equal(arriving.invalid[0]?.reason, 'too-long');
  arriving.lines.push('"}\n{"after":1}\n');
  assert.deepEqual(arriving.values, [], 'nothing more is read after a violation');
  assert.equal(arriving.invalid.length, 1);
});

test('the limit counts bytes, not characters', () => {
  const { lines, invalid } = reader(16);
  lines.push(`"${'é'.repeat(10)}"\n`); // 12 characters, 22 bytes
  assert.equal(invalid[0]?.reason, 'too-long');
});
