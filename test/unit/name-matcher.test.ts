import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameMatcher, nameMatchesQuery } from '../../src/engine/search/identifiers.ts';
import { analyzeQuery } from '../../src/engine/search/query-analysis.ts';

const QUERIES = [
  'readPreferenceServerSelector',
  'how does the client retry requests after a timeout',
  'where are config files parsed',
  'id-denylist',
  'running totals of ties and abies',
  'État machine transitions',
  'how are cookies serialized into a Set-Cookie header',
  'Number.parseInt',
  'Σ1 and σ2 shapes',
  'İstanbul ΑΣ',
];

const NAMES = [
  'ReadPreference', 'serverSelector', 'readPreferenceServerSelector', 'read_preference', 'selectServer', 'Selector',
  'retry', 'retries', 'RetryPolicy', 'retrying', 'retried', 'timeoutMs', 'TIMEOUT', 'clientRequest', 'request_after',
  'parseConfig', 'parse_config', 'configParser', 'CONFIG_FILES', 'parsed', 'files', 'Foo::parseConfig', 'a.b.parseConfig',
  'id-denylist', 'idDenylist', 'deny', 'IdDenyList', 'runningTotal', 'RUNNING', 'total', 'ties', 'tie', 'abies', 'abi',
  'ÉtatMachine', 'etat', 'transition', 'Transitions', 'setCookieHeader', 'cookie', 'Cookies', 'serialize', 'headers',
  'parseInt', 'Number', 'numberParseInt', '$parse', '__dirname', 'x', '', 'uses', 'used', 'user',
  'Shape.Σ1', 'Shape::Σ1234', 'shapeΣ1', 'a.ΑΣ', 'ΑΣ', 'İstanbulMap', 'ISTANBUL', 'σ2', 'Shape.σ2', 'x-Σ1',
];

test('the quick test never turns away a name that matches: the matcher gives what nameMatchesQuery does', () => {
  let matched = 0;
  for (const query of QUERIES) {
    const analyzed = analyzeQuery(query, true);
    const matcher = nameMatcher(analyzed.identifiers, analyzed.stems);
    for (const name of NAMES) {
      const expected = nameMatchesQuery(name, analyzed.identifiers, analyzed.stems);
      if (expected > 0) matched++;
      assert.equal(matcher(name), expected, `${name} for "${query}"`);
    }
  }
  assert.ok(matched > 40, `the names match often enough to test something (${matched})`);
});

/** A small deterministic generator, so that a failure names a case that comes back. */
function randomNames(count: number, seed: number): string[] {
  const pieces = ['read', 'Read', 'server', 'Server', 'retry', 'Retries', 'parse', 'Config', 'Σ', 'σ', 'ς', 'İ', 'ı', 'Α', 'ies', 'y', 'e', 'ing', '1', '_', '$', '-', '.', ':', '::', '/', 'X', 'ab'];
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + (next() % 5) }, () => pieces[next() % pieces.length]!).join(''));
}

test('the quick test never turns away a name that matches, on random names of mixed scripts and separators', () => {
  const queries = [...QUERIES, 'read server Σ', 'retries parse config', 'ΑΣ ab', 'Readies y'];
  let matched = 0;
  for (const query of queries) {
    const analyzed = analyzeQuery(query, true);
    const matcher = nameMatcher(analyzed.identifiers, analyzed.stems);
    for (const name of randomNames(2000, query.length)) {
      const expected = nameMatchesQuery(name, analyzed.identifiers, analyzed.stems);
      if (expected > 0) matched++;
      assert.equal(matcher(name), expected, `${JSON.stringify(name)} for "${query}"`);
    }
  }
  assert.ok(matched > 300, `random names match often enough (${matched})`);
});
