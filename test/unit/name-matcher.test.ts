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
];

const NAMES = [
  'ReadPreference', 'serverSelector', 'readPreferenceServerSelector', 'read_preference', 'selectServer', 'Selector',
  'retry', 'retries', 'RetryPolicy', 'retrying', 'retried', 'timeoutMs', 'TIMEOUT', 'clientRequest', 'request_after',
  'parseConfig', 'parse_config', 'configParser', 'CONFIG_FILES', 'parsed', 'files', 'Foo::parseConfig', 'a.b.parseConfig',
  'id-denylist', 'idDenylist', 'deny', 'IdDenyList', 'runningTotal', 'RUNNING', 'total', 'ties', 'tie', 'abies', 'abi',
  'ÉtatMachine', 'etat', 'transition', 'Transitions', 'setCookieHeader', 'cookie', 'Cookies', 'serialize', 'headers',
  'parseInt', 'Number', 'numberParseInt', '$parse', '__dirname', 'x', '', 'uses', 'used', 'user',
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
