import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ftsExpression } from '../../src/engine/search/fts-query.ts';
import { identifierParts, indexTerms, pathTerms, queryTerms } from '../../src/engine/tokenize.ts';

test('identifiers split at camelCase, PascalCase, snake_case, kebab and acronym boundaries', () => {
  assert.deepEqual(identifierParts('parseConfig'), ['parse', 'config']);
  assert.deepEqual(identifierParts('ParseConfig'), ['parse', 'config']);
  assert.deepEqual(identifierParts('parse_config'), ['parse', 'config']);
  assert.deepEqual(identifierParts('PARSE_CONFIG'), ['parse', 'config']);
  assert.deepEqual(identifierParts('parseHTTPConfig2'), ['parse', 'http', 'config2']);
  assert.deepEqual(identifierParts('XMLHttpRequest'), ['xml', 'http', 'request']);
  assert.deepEqual(identifierParts('$scope__value'), ['scope', 'value']);
});

test('index terms keep the whole identifier and its parts', () => {
  assert.equal(indexTerms('parseConfig(x)'), 'parseconfig parse config');
  assert.equal(indexTerms('const parse_config = 1'), 'const parseconfig parse config');
  // single letters and over-long tokens (hashes, base64) are not terms
  assert.equal(indexTerms(`a ${'f'.repeat(64)} ok`), 'ok');
});

test('every spelling of an identifier meets the same terms', () => {
  const stored = new Set(indexTerms('export function parseConfig() {}').split(' '));
  for (const query of ['parse config', 'parseConfig', 'parse_config', 'ParseConfig', 'PARSE_CONFIG']) {
    const terms = queryTerms(query);
    assert.ok(terms.includes('parseconfig'), `${query} → ${terms.join(' ')}`);
    assert.ok(terms.every((term) => stored.has(term)), `${query} → ${terms.join(' ')}`);
  }
});

test('natural-language queries drop stop words and join neighbours', () => {
  const terms = queryTerms('where is the config parsed?');
  assert.ok(!terms.includes('where') && !terms.includes('the') && !terms.includes('is'));
  assert.ok(terms.includes('config') && terms.includes('parsed') && terms.includes('configparsed'));
  // a query made only of a stop word still searches for it
  assert.deepEqual(queryTerms('where'), ['where']);
});

test('path terms split folders, names and extensions', () => {
  assert.equal(pathTerms('src/userAuth/token-store.ts'), 'src userauth user auth token store ts');
});

test('FTS expressions quote every term and add the extension filter', () => {
  assert.equal(ftsExpression('parseConfig'), '{symbols path body} : ("parseconfig" OR "parse" OR "config")');
  // FTS5 operators and quotes in the query are words, never syntax
  assert.equal(ftsExpression('save" NEAR( load*', []), '{symbols path body} : ("save" OR "near" OR "load" OR "savenear" OR "nearload")');
  assert.equal(ftsExpression('read file', ['.TS', 'py']), '{symbols path body} : ("read" OR "file" OR "readfile") AND ext : ("ts" OR "py")');
  assert.equal(ftsExpression('!!! ?'), undefined);
});
