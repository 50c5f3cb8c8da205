import assert from 'node:assert/strict';
import { test } from 'node:test';
import { askedRoles, cleanSubject, queryKind, rejectSubject, wordCount } from '../../bench/commit-quality/subjects.ts';

test('cleaning strips PR numbers, issue references and conventional-commit prefixes', () => {
  assert.equal(cleanSubject('Fix quadratic JObject duplicate property handling (#3123)'), 'Fix quadratic JObject duplicate property handling');
  assert.equal(cleanSubject('fix(client): skip undefined header and cookie values (#5244)'), 'skip undefined header and cookie values');
  assert.equal(cleanSubject('feat!: drop the legacy loader'), 'drop the legacy loader');
  assert.equal(cleanSubject('chore(deps)!: move to the new resolver (#12, #13)'), 'move to the new resolver');
  assert.equal(cleanSubject('[Fix #15590] Fix an infinite loop error for `Layout/FirstArgumentIndentation`'), 'Fix an infinite loop error for `Layout/FirstArgumentIndentation`');
  assert.equal(cleanSubject('[Fix] Fix false positives in `Lint/ConstantReassignment`'), 'Fix false positives in `Lint/ConstantReassignment`');
  assert.equal(cleanSubject('feat: #13002 Improve logging of failed download URLs (#13006)'), 'Improve logging of failed download URLs');
  assert.equal(cleanSubject('Replace deprecated spl_object_hash with spl_object_id, fixes #13027 (#13028)'), 'Replace deprecated spl_object_hash with spl_object_id');
  assert.equal(cleanSubject('Add Elements.before(Node) and after(Node) #953 (#2567)'), 'Add Elements.before(Node) and after(Node)');
  assert.equal(cleanSubject('Update the docs index [ci skip]'), 'Update the docs index');
  // a component prefix is part of the subject, not a conventional-commit type
  assert.equal(cleanSubject('reverseproxy: preallocate upstream slices with known sizes (#7926)'), 'reverseproxy: preallocate upstream slices with known sizes');
  // an inner "(#…)"-free parenthesis stays
  assert.equal(cleanSubject('support structured JSON content-types (+json)'), 'support structured JSON content-types (+json)');
});

test('merges, reverts, releases, version bumps, dependency updates and typo fixes are not queries', () => {
  const rejected: [string, string][] = [
    ['Merge pull request #12874 from cs278/patch-1', 'merge'],
    ['Merge commit from fork', 'merge'],
    ['Revert "Fix MissingMethodException from JToken.WriteTo (#3104)"', 'revert'],
    ['Reverting release version changes', 'revert'],
    ['10.9.0', 'version'],
    ['ignore-0.4.33', 'version'],
    ['Update to 13.0.4-beta1', 'version'],
    ['Update version to 14.0.1-beta1', 'version'],
    ['Update pom.xml for v1.23.1', 'version'],
    ['Build: changelog update for 10.9.0', 'version'],
    ['Release 2.10.2', 'version'],
    ['[maven-release-plugin] prepare release jsoup-1.23.1', 'version'],
    ['Bump actions/checkout from 7.0.0 to 7.0.1 (#5257)', 'version'],
    ['build(deps): bump google.golang.org/grpc from 1.81.1 to 1.82.1 (#7908)', 'version'],
    ['fix: Run release-please workflow only in the main repo', 'version'],
    ['Update dependencies of the docs site', 'dependencies'],
    ['chore: upgrade all the npm packages to latest', 'dependencies'],
    ['DOC: fix typo in docs/faq.md (#5313)', 'typo'],
    ['Fix spelling of a few error messages', 'typo'],
    ['Fix build signing', 'short'],
    ['fix for #3055 (#3060)', 'short'],
    ['Update .NET 6 (#2674)', 'short'],
  ];
  for (const [subject, reason] of rejected) assert.equal(rejectSubject(subject), reason, subject);
});

test('descriptive subjects of four words or more are queries', () => {
  for (const subject of [
    'Keep parentheses around the target of an annotated assignment (#5321)',
    'unix: free statxbuf on iouring statx fallback',
    'fix(etag): match If-None-Match tags with optional whitespace before the comma (#5222)',
    'Fix MaxDepth not being used with ISerializable deserialization',
    'Require Ruby 2.7.3 and remove `ruby2_keywords`. (#2499)',
    'Set the QUIC InitialPacketSize to 1200 bytes (#7886)',
  ]) {
    assert.equal(rejectSubject(subject), undefined, subject);
  }
  assert.equal(wordCount('alternate fix for #3056'), 3);
  assert.equal(wordCount('ignore/types: add PKGBUILD type'), 4);
});

test('queries with a code-like token are identifier queries, others prose', () => {
  const identifier = [
    'avoid quadratic child rescan in normalize_invisible_parens',
    'containsIgnoreCase should support mixed case',
    'Fix quadratic JObject duplicate property handling',
    'Preserve XML nodes in W3CDom conversion',
    'stream: fix server stop accepting after uv_accept() error',
    'Fix comment on JsonConvert.SerializeObject',
    'Make `Rack::Request` shape friendly',
    'unix: remove UV_HANDLE_READING flag',
    'Add support for DateOnly and TimeOnly',
  ];
  const prose = [
    'Keep parentheses around the target of an annotated assignment',
    'win: fix spawn process with no argument',
    'Fix HTTP redirect method handling to match RFC 9110',
    'add missing W3C Permissions-Policy directives',
    'Fix header(s) parsing, e.g. for proxies',
    'Avoid LINQ expression trees on .NET 6+.',
    'Make hostless URLs fail resolution',
  ];
  for (const query of identifier) assert.equal(queryKind(query), 'identifier', query);
  for (const query of prose) assert.equal(queryKind(query), 'prose', query);
});

test('a query asks for tests, docs, changelogs or examples only by naming them as words', () => {
  assert.deepEqual([...askedRoles('Handle non-string attribute values; test for internal attribute data')], ['test']);
  assert.deepEqual([...askedRoles('Update the README and the docs example')].sort(), ['docs', 'example']);
  assert.deepEqual([...askedRoles('Fix UploadedFile changelog references')], ['changelog']);
  // "docstring", "latest" and "specificity" are not requests for docs or tests
  assert.equal(askedRoles("don't treat a t-string in docstring position as a docstring").size, 0);
  assert.equal(askedRoles('support wildcard media types and specificity ordering with the latest parser').size, 0);
});
