import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { spelledNames } from '../../src/engine/search/identifiers.ts';
import { analyzeQuery, MAX_QUERY_WORDS } from '../../src/engine/search/query-analysis.ts';
import { SEARCH_QUERY_MAX_CHARS } from '../../src/protocol/tools.ts';
import { indexedEngine } from '../helpers/indexed-engine.ts';
import { tempFolder } from '../helpers/paths.ts';

const IDENTIFIERS_MODULE = new URL('../../src/engine/search/identifiers.ts', import.meta.url).href;
const home = tempFolder('search-input-home');
const project = tempFolder('search-input-project');
let engine: Engine;

before(async () => {
  engine = await indexedEngine(home.path, project.path, {
    'src/config.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text);\n}\n',
    'src/server/start.ts': 'import { parseConfig } from "../config";\nexport function start() {\n  return parseConfig("{}");\n}\n',
  });
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

test('only the first MAX_QUERY_WORDS words of a query are searched; a query of that many is left whole', () => {
  const words = Array.from({ length: MAX_QUERY_WORDS + 10 }, (_, index) => `word${String.fromCharCode(97 + (index % 26))}${index}`);
  const analyzed = analyzeQuery(words.join(' '));
  assert.ok(analyzed.terms.includes(words[MAX_QUERY_WORDS - 1]!), 'the last counted word is searched');
  assert.ok(!analyzed.terms.some((term) => term.includes(words[MAX_QUERY_WORDS]!)), 'the next one is not');
  // Exactly MAX_QUERY_WORDS words, the last in backticks: the closing backtick is kept, so the name is still code.
  const exact = `${words.slice(0, MAX_QUERY_WORDS - 1).join(' ')} \`eqeqeq\``;
  assert.ok(analyzeQuery(exact).identifiers.has('eqeqeq'));
  assert.ok(analyzeQuery(`${exact} more`).identifiers.has('eqeqeq'), 'cut where the next word starts, not where the last one ends');
});

test('compound tokens are found where words start, as before the lookbehind', () => {
  assert.deepEqual([...spelledNames('fix Layout/FirstArgumentIndentation and id-denylist in `eqeqeq`')].sort(), ['denylist', 'eqeqeq', 'firstargumentindentation', 'iddenylist', 'layoutfirstargumentindentation']);
  assert.deepEqual([...spelledNames('call Number.parseInt(x) or std::move')].sort(), ['numberparseint', 'parseint', 'move', 'stdmove'].sort());
  assert.deepEqual([...spelledNames('a'.repeat(1000))], [], 'one long word has no separators to find');
});

test('the compound-token scan of one 1,000,000-character word ends within its deadline (it was quadratic: 4.9 s for 100,000)', () => {
  // A regex cannot be interrupted in its own thread, so it runs in a child process that the deadline kills.
  const script = `import(${JSON.stringify(IDENTIFIERS_MODULE)}).then((m) => process.stdout.write(String(m.spelledNames('a'.repeat(1_000_000)).size)))`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.signal, null, 'killed at the deadline: the scan is not linear');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, '0');
});
