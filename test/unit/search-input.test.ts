import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { spelledNames } from '../../src/engine/search/identifiers.ts';
import { analyzeQuery, MAX_QUERY_WORDS } from '../../src/engine/search/query-analysis.ts';
import { SEARCH_QUERY_MAX_CHARS } from '../../src/protocol/tools.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('search-input-home');
const project = tempFolder('search-input-project');
let engine: Engine;

before(async () => {
  writeTree(project.path, {
    'src/config.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text);\n}\n',
    'src/server/start.ts': 'import { parseConfig } from "../config";\nexport function start() {\n  return parseConfig("{}");\n}\n',
  });
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  const final = await (await engine.startIndex(project.path, {})).done;
  assert.equal(final.phase, 'done', final.message);
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

/** Asserts that `call` rejects with a UserError whose message matches `expected`. */
async function refused(call: () => Promise<unknown>, expected: RegExp): Promise<void> {
  await assert.rejects(call, (error: Error) => error instanceof UserError && expected.test(error.message));
}

test('every caller (the CLI too, which has no tool schema) gets a longer query refused with what to do', async () => {
  const long = 'parse config '.repeat(Math.ceil(SEARCH_QUERY_MAX_CHARS / 13) + 1);
  await refused(() => engine.search(project.path, long, { limit: 10 }), /characters long; at most 2,000 are searched.*find_symbol/);
  const atLimit = `parseConfig ${'x'.repeat(SEARCH_QUERY_MAX_CHARS - 12)}`;
  assert.equal(atLimit.length, SEARCH_QUERY_MAX_CHARS);
  assert.equal((await engine.search(project.path, atLimit, { limit: 10 })).results[0]?.file, 'src/config.ts');
});

test('an extension filter entry that is not an extension is refused by name; a good one still filters', async () => {
  await refused(() => engine.search(project.path, 'parseConfig', { limit: 10, extensionFilter: ['ts\u0000'] }), /entry "ts\\u0000" is not a file extension/);
  await refused(() => engine.search(project.path, 'parseConfig', { limit: 10, extensionFilter: ['.'] }), /is not a file extension/);
  await refused(() => engine.search(project.path, 'parseConfig', { limit: 10, extensionFilter: Array.from({ length: 101 }, (_, i) => `.e${i}`) }), /101 entries; at most 100/);
  assert.equal((await engine.search(project.path, 'parseConfig', { limit: 10, extensionFilter: ['TS'] })).results.length, 2);
  assert.equal((await engine.search(project.path, 'parseConfig', { limit: 10, extensionFilter: ['.py'] })).results.length, 0);
});

test('a search scoped to a file or to a folder that is not there is refused, not answered with nothing', async () => {
  await refused(() => engine.search(path.join(project.path, 'src/config.ts'), 'parseConfig', { limit: 10 }), /is a file, not a folder.*src"\)/s);
  await refused(() => engine.search(path.join(project.path, 'src/nope'), 'parseConfig', { limit: 10 }), /no folder at .*src\/nope" inside the indexed codebase/);
  await refused(async () => engine.symbols.findSymbol(path.join(project.path, 'src/config.ts'), 'parseConfig', { limit: 10 }), /is a file, not a folder/);
  const scoped = await engine.search(path.join(project.path, 'src/server'), 'parseConfig', { limit: 10 });
  assert.deepEqual(scoped.results.map((result) => result.file), ['src/server/start.ts']);
  assert.equal(engine.status(path.join(project.path, 'src/config.ts')).status, 'indexed', 'status still takes any path inside');
});

test('only the first MAX_QUERY_WORDS words of a query are searched', () => {
  const words = Array.from({ length: MAX_QUERY_WORDS + 10 }, (_, index) => `word${String.fromCharCode(97 + (index % 26))}${index}`);
  const analyzed = analyzeQuery(words.join(' '));
  assert.ok(analyzed.terms.includes(words[MAX_QUERY_WORDS - 1]!), 'the last counted word is searched');
  assert.ok(!analyzed.terms.some((term) => term.includes(words[MAX_QUERY_WORDS]!)), 'the next one is not');
});

test('compound tokens are found where words start, as before the lookbehind', () => {
  assert.deepEqual([...spelledNames('fix Layout/FirstArgumentIndentation and id-denylist in `eqeqeq`')].sort(), ['denylist', 'eqeqeq', 'firstargumentindentation', 'iddenylist', 'layoutfirstargumentindentation']);
  assert.deepEqual([...spelledNames('call Number.parseInt(x) or std::move')].sort(), ['numberparseint', 'parseint', 'move', 'stdmove'].sort());
  // One long word has no separators to find: nothing, and (no longer quadratic) at once.
  assert.deepEqual([...spelledNames('a'.repeat(100_000))], []);
});
