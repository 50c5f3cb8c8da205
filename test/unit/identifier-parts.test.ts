import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifierParts } from '../../src/engine/tokenize.ts';

/** The regular-expression definition identifierParts implements in one pass. */
function referenceParts(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])/g, (_match, a?: string, b?: string, c?: string, d?: string) => (a ? `${a}_${b}` : `${c}_${d}`))
    .split(/[_$]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

test('identifier parts: camelCase, PascalCase, acronyms, digits, separators', () => {
  assert.deepEqual(identifierParts('parseHTTPConfig2'), ['parse', 'http', 'config2']);
  assert.deepEqual(identifierParts('HTTPServer'), ['http', 'server']);
  assert.deepEqual(identifierParts('aBCd'), ['a', 'bcd']);
  assert.deepEqual(identifierParts('__proto__'), ['proto']);
  assert.deepEqual(identifierParts('$scope_apply'), ['scope', 'apply']);
  assert.deepEqual(identifierParts('parse'), ['parse']);
  assert.deepEqual(identifierParts('Ünïcode_Nämes'), ['ünïcode', 'nämes']);
  assert.deepEqual(identifierParts(''), []);
  assert.deepEqual(identifierParts('_$_'), []);
});

test('identifier parts equal the regular-expression definition on 20,000 random names', () => {
  const alphabet = 'aBcXyZ09_$éÉq';
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  for (let i = 0; i < 20_000; i++) {
    let name = '';
    const length = Math.floor(next() * 12);
    for (let j = 0; j < length; j++) name += alphabet[Math.floor(next() * alphabet.length)];
    assert.deepEqual(identifierParts(name), referenceParts(name), JSON.stringify(name));
  }
});
