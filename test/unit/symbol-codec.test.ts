import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeDefinitions, definitionsOverlapping, encodeDefinitions } from '../../src/engine/symbols/codec.ts';
import type { SymbolDefinition } from '../../src/engine/symbols/symbol.ts';

const DEFINITIONS: SymbolDefinition[] = [
  { name: 'Parser', kind: 'class', line: 3, startLine: 1, endLine: 40 },
  { name: 'parse', kind: 'method', container: 'Parser', line: 5, startLine: 5, endLine: 12 },
  { name: 'reset', kind: 'method', container: 'Parser', line: 14, startLine: 13, endLine: 14 },
  { name: 'render', kind: 'function', line: 50, startLine: 48, endLine: 61 },
  { name: 'LIMIT', kind: 'constant', line: 70, startLine: 70, endLine: 70 },
];

test('definitions overlapping a line range are those the full decoding gives that meet it, in order', () => {
  const encoded = encodeDefinitions(DEFINITIONS);
  const all = decodeDefinitions(encoded);
  for (const [first, last] of [[1, 1], [6, 8], [13, 13], [15, 49], [41, 49], [55, 80], [71, 90], [0, 1000]] as const) {
    const expected = all.filter((definition) => definition.startLine <= last && definition.endLine >= first);
    assert.deepEqual(definitionsOverlapping(encoded, first, last), expected, `${first}-${last}`);
  }
  assert.deepEqual(definitionsOverlapping('', 1, 10), []);
});
