import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { leadingVarint } from '../../src/engine/store/chunk-search.ts';
import type { OutlineSymbol } from '../../src/engine/symbols/lookup.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

/** Symbol lookups through the engine, on a small project indexed for real (tree-sitter, SQLite). */
const home = tempFolder('symbols-home');
const project = tempFolder('symbols-project');
let engine: Engine;

const FILES: Record<string, string> = {
  'src/transport.ts': [
    'export class StreamableHTTPClientTransport {',
    '  send(message: string): void {',
    '    this.encode(message);',
    '  }',
    '  private encode(message: string): string {',
    '    return message;',
    '  }',
    '}',
    'export function createTransport(): StreamableHTTPClientTransport {',
    '  // StreamableHTTPClientTransport in a comment is not a use',
    '  return new StreamableHTTPClientTransport();',
    '}',
    '',
  ].join('\n'),
  'src/client.ts': [
    "import { StreamableHTTPClientTransport, createTransport } from './transport';",
    'export const transport = createTransport();',
    'export function connect(): StreamableHTTPClientTransport {',
    "  const label = 'createTransport';",
    '  return createTransport();',
    '}',
    'export function Connect(): void {}',
    '',
  ].join('\n'),
  'test/transport.test.ts': [
    "import { createTransport } from '../src/transport';",
    'function createTransportStub() { return createTransport(); }',
    '',
  ].join('\n'),
  'src/case.ts': [
    "import { Connect, connect } from './client';",
    'export function both(): void { Connect(); connect(); }',
    'export function lower(): void { connect(); }',
    '',
  ].join('\n'),
  'lib/util.py': ['def create_transport():', '    return None', '', 'class Registry:', '    def createTransport(self):', '        return create_transport()', ''].join('\n'),
  'docs/guide.md': '# createTransport\n',
};

before(async () => {
  writeTree(project.path, FILES);
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 1000 }, { soleWriter: true });
  await index();
});

after(() => {
  engine.close();
  home.remove();
  project.remove();
});

async function index(force = false): Promise<string> {
  const final = await (await engine.startIndex(project.path, { force })).done;
  assert.equal(final.phase, 'done', final.message);
  return final.message;
}

function find(name: string, options: Partial<Parameters<Engine['symbols']['findSymbol']>[2]> = {}) {
  return engine.symbols.findSymbol(project.path, name, { limit: 20, ...options });
}

test('exact, other case, prefix and camel humps, in that order; source before tests, then by path', () => {
  const response = find('createTransport');
  assert.equal(response.symbolTable, 'complete');
  const rows = response.results.map((result) => `${result.match} ${result.file}:${result.line} ${result.container ? `${result.container}.` : ''}${result.name}`);
  assert.deepEqual(rows, [
    'exact lib/util.py:5 Registry.createTransport',
    'exact src/transport.ts:9 createTransport',
    'prefix test/transport.test.ts:2 createTransportStub',
  ]);
  const first = response.results[1]!;
  assert.equal(first.kind, 'function');
  assert.equal(first.signature, 'export function createTransport(): StreamableHTTPClientTransport {');
  assert.deepEqual([first.startLine, first.endLine], [9, 12]);
  assert.equal(response.results[2]!.role, 'test');

  assert.deepEqual(find('connect').results.map((result) => `${result.match} ${result.name}`), ['exact connect', 'case-insensitive Connect']);
  const humps = find('SHCT').results;
  assert.equal(humps[0]?.name, 'StreamableHTTPClientTransport');
  assert.equal(humps[0]?.match, 'camel-hump');
  assert.equal(find('StrHttpCliTra').results[0]?.name, 'StreamableHTTPClientTransport', 'abbreviated humps');
  assert.equal(find('streamablehttp').results[0]?.match, 'prefix', 'case-insensitive prefix');
});

test('kind, exact and limit narrow the answer; includeSource gives the code', () => {
  assert.deepEqual(find('createTransport', { kind: 'method' }).results.map((result) => result.file), ['lib/util.py']);
  assert.deepEqual(find('connect', { exact: true }).results.map((result) => result.name), ['connect']);
  const limited = find('createTransport', { limit: 1 });
  assert.equal(limited.results.length, 1);
  assert.equal(limited.truncated, true);
  const withSource = find('encode', { includeSource: true }).results[0]!;
  assert.equal(withSource.container, 'StreamableHTTPClientTransport');
  assert.equal(withSource.source, '  private encode(message: string): string {\n    return message;\n  }');
});

test('a sub-folder path limits the answer to it', () => {
  const response = engine.symbols.findSymbol(path.join(project.path, 'lib'), 'createTransport', { limit: 20 });
  assert.equal(response.subfolder, 'lib');
  assert.deepEqual(response.results.map((result) => result.file), ['lib/util.py']);
});

test('references: definitions excluded (or flagged first), comments and strings skipped, defining files first', () => {
  const plain = engine.symbols.findReferences(project.path, 'createTransport', { limit: 50 });
  const rows = plain.results.map((result) => `${result.file}:${result.line}${result.exactCase ? '' : ' (case)'}${result.enclosing ? ` in ${result.enclosing.name}` : ''}`);
  assert.deepEqual(rows, [
    'src/client.ts:1',
    'src/client.ts:2 in transport',
    'src/client.ts:5 in connect',
    'test/transport.test.ts:1',
    'test/transport.test.ts:2 in createTransportStub',
  ]);
  assert.ok(plain.results.every((result) => !result.definition));
  assert.equal(plain.fileCount, 2, 'lib/util.py only defines it; the Markdown file has no symbols');
  assert.equal(plain.results[0]!.text, "import { StreamableHTTPClientTransport, createTransport } from './transport';");

  const withDefinitions = engine.symbols.findReferences(project.path, 'createTransport', { limit: 50, includeDefinitions: true });
  const definitions = withDefinitions.results.filter((result) => result.definition).map((result) => `${result.file}:${result.line}`);
  assert.deepEqual(definitions, ['lib/util.py:5', 'src/transport.ts:9']);
  assert.ok(withDefinitions.results.slice(0, 2).every((result) => result.definition), 'definitions come first');

  const inDefiningFile = engine.symbols.findReferences(project.path, 'StreamableHTTPClientTransport', { limit: 50 });
  assert.deepEqual(
    inDefiningFile.results.map((result) => `${result.file}:${result.line}`),
    ['src/transport.ts:9', 'src/transport.ts:11', 'src/client.ts:1', 'src/client.ts:3'],
    'the defining file first; line 10 is a comment',
  );
});

test('references in another case come after the exact spelling', () => {
  const response = engine.symbols.findReferences(project.path, 'Connect', { limit: 50, includeDefinitions: true });
  assert.deepEqual(
    response.results.map((result) => `${result.file}:${result.line}:${result.definition ? 'definition' : 'use'}:${result.exactCase ? 'exact' : 'other case'}`),
    [
      'src/client.ts:7:definition:exact',
      'src/case.ts:1:use:exact',
      'src/case.ts:2:use:exact',
      'src/case.ts:1:use:other case',
      'src/case.ts:2:use:other case',
      'src/case.ts:3:use:other case',
    ],
  );
  const lower = engine.symbols.findReferences(project.path, 'connect', { limit: 50 });
  assert.deepEqual(lower.results.filter((result) => result.exactCase).map((result) => result.line), [1, 2, 3]);
});

test('outline: definitions nested by extent, with lines and signatures', () => {
  const outline = engine.symbols.fileOutline(project.path, 'src/transport.ts');
  const shape = (symbols: OutlineSymbol[]): unknown => symbols.map((symbol) => [symbol.kind, symbol.name, symbol.startLine, symbol.endLine, shape(symbol.children)]);
  assert.deepEqual(shape(outline.symbols), [
    ['class', 'StreamableHTTPClientTransport', 1, 8, [['method', 'send', 2, 4, []], ['method', 'encode', 5, 7, []]]],
    ['function', 'createTransport', 9, 12, []],
  ]);
  assert.equal(outline.symbols[0]!.signature, 'export class StreamableHTTPClientTransport {');
  assert.equal(engine.symbols.fileOutline(project.path, path.join(project.path, 'lib/util.py')).symbols[1]!.children[0]!.name, 'createTransport', 'an absolute path works too');
  assert.throws(() => engine.symbols.fileOutline(project.path, 'docs/guide.md'), (error: Error) => error instanceof UserError && /no symbols/.test(error.message));
  assert.throws(() => engine.symbols.fileOutline(project.path, 'src/missing.ts'), (error: Error) => error instanceof UserError && /not in the index/.test(error.message));
  assert.throws(() => engine.symbols.fileOutline(project.path, '../outside.ts'), (error: Error) => error instanceof UserError && /not a file inside/.test(error.message));
});

test('search results name the definition each chunk is about', async () => {
  const response = await engine.search(project.path, 'create_transport', { limit: 5 });
  const python = response.results.find((result) => result.file === 'lib/util.py');
  assert.ok(python?.symbol, JSON.stringify(response.results.map((result) => result.file)));
});

test('a changed file replaces its symbols; a deleted definition disappears on refresh', async () => {
  writeFileSync(path.join(project.path, 'src/client.ts'), FILES['src/client.ts']!.replace('export function Connect(): void {}', 'export function reconnect(): void { connect(); }'));
  await engine.refreshFiles(project.path, ['src/client.ts']);
  assert.deepEqual(find('Connect', { exact: true }).results, [], 'the removed definition is gone');
  assert.equal(find('reconnect').results[0]?.line, 7);
  assert.deepEqual(
    engine.symbols.findReferences(project.path, 'connect', { limit: 10 }).results.filter((result) => result.file === 'src/client.ts').map((result) => `${result.line} in ${result.enclosing?.name}`),
    ['7 in reconnect'],
  );
});

test('a deleted file takes its symbols with it', async () => {
  rmSync(path.join(project.path, 'test/transport.test.ts'));
  await engine.refreshFiles(project.path, ['test/transport.test.ts']);
  assert.ok(find('createTransportStub').results.length === 0);
  assert.ok(engine.symbols.findReferences(project.path, 'createTransport', { limit: 50 }).results.every((result) => !result.file.startsWith('test/')));
});

test('a save that changes no name, and a forced re-index, keep the symbol rows; the full-text table gets no new row', async () => {
  const codebaseId = engine.store.codebases.byRoot(project.path)!.id;
  const table = `symbols_fts_${codebaseId}`;
  const countedRows = (): number | undefined => leadingVarint((engine.store.db.prepare(`SELECT block FROM ${table}_data WHERE id = 1`).get() as { block: Uint8Array }).block);
  const rowsBefore = countedRows();
  const source = FILES['src/case.ts']!.replace('export function lower(): void { connect(); }', 'export function lower(): void { connect(); /* once more */ }');
  writeFileSync(path.join(project.path, 'src/case.ts'), source);
  await engine.refreshFiles(project.path, ['src/case.ts']);
  await index(true);
  // FTS5 counts a row for every insert, and none off for a delete: no row was written again.
  assert.equal(countedRows(), rowsBefore);
  const hashes = engine.store.db
    .prepare("SELECT f.hash AS file, s.hash AS symbols FROM files f JOIN file_symbols s ON s.file_id = f.id WHERE f.path = 'src/case.ts'")
    .get() as { file: string; symbols: string };
  assert.equal(hashes.symbols, hashes.file, "the kept row carries the file's new hash");
  assert.equal(find('lower', { exact: true }).results[0]?.file, 'src/case.ts');
});

test('a forced re-index rebuilds the symbols; clearing the codebase drops them', async () => {
  await index(true);
  assert.ok(find('createTransport').results.some((result) => result.file === 'src/transport.ts'));
  const codebaseId = engine.store.codebases.byRoot(project.path)!.id;
  await engine.clear(project.path);
  const leftover = engine.store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = ?").get(`symbols_fts_${codebaseId}`) as { n: number };
  assert.equal(leftover.n, 0, 'the symbol search table is dropped');
  assert.equal((engine.store.db.prepare('SELECT count(*) AS n FROM file_symbols').get() as { n: number }).n, 0);
  assert.equal((engine.store.db.prepare('SELECT count(*) AS n FROM symbol_state').get() as { n: number }).n, 0);
  assert.throws(() => find('createTransport'), /not indexed/);
  await index();
  assert.ok(find('createTransport').results.some((result) => result.file === 'src/transport.ts'));
});

test('bad input: not indexed, not absolute', () => {
  assert.throws(() => engine.symbols.findSymbol('/nowhere/at/all', 'x', { limit: 1 }), (error: Error) => error instanceof UserError && /not indexed/.test(error.message));
  assert.throws(() => engine.symbols.findReferences('relative/path', 'x', { limit: 1 }), (error: Error) => error instanceof UserError && /must be absolute/.test(error.message));
});

test('camel-hump initials are the initials of the identifier parts search splits names into', async () => {
  const { humpsPayload } = await import('../../src/engine/symbols/codec.ts');
  const { identifierParts } = await import('../../src/engine/tokenize.ts');
  const names = [
    'StreamableHTTPClientTransport', 'parseHTTPConfig2', 'HTTPServer', 'snake_case_name', '__init__', 'x', 'getURL', 'A1B2',
    'already', 'Z', 'camelCase', '$scope', 'foo$bar', 'UPPER_CASE', 'ver2Beta', 'IOError', 'a_b', 'XMLHttpRequest', 'ñandúGrande',
  ];
  for (const name of names) {
    const parts = identifierParts(name);
    assert.equal(humpsPayload(name), parts.length >= 2 ? parts.map((part) => part[0]).join('') : undefined, name);
  }
});

test('a codebase whose first run has written no symbols yet answers with nothing, marked partial', async () => {
  const fresh = tempFolder('symbols-fresh');
  try {
    writeTree(fresh.path, { 'notes.md': '# nothing to define\n' });
    engine.store.codebases.beginIndexing(fresh.path, { splitter: 'ast', customExtensions: [], ignorePatterns: [] });
    const response = engine.symbols.findSymbol(fresh.path, 'anything', { limit: 5 });
    assert.equal(response.symbolTable, 'partial');
    assert.match(response.note ?? '', /Indexing is in progress/);
    assert.deepEqual(response.results, []);
    assert.deepEqual(engine.symbols.findReferences(fresh.path, 'anything', { limit: 5 }).results, []);
  } finally {
    await engine.clear(fresh.path);
    fresh.remove();
  }
});
