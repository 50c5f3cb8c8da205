import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { DatabaseSync } from 'node:sqlite';
import { knownExtensions } from '../../src/engine/languages.ts';
import { fileSearchTerms } from '../../src/engine/indexing/prepare.ts';
import { ExtensionTokens } from '../../src/engine/search/extension-tokens.ts';
import { FTS_TOKENIZER } from '../../src/engine/store/schema.ts';
import { singleTermExpression, termsExpression } from '../../src/engine/search/fts-query.ts';
import { DEFAULT_RANKING_CONFIG } from '../../src/engine/search/ranking-config.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

test('a term may match the extension column when FTS5 tokenizes it as it does some extension', () => {
  const tokens = new ExtensionTokens();
  try {
    for (const term of ['ts', 'js', 'json', 'md', 'txt', 'rs', 'cs', 'c']) assert.equal(tokens.mayMatch(term, []), true, term);
    for (const term of ['read', 'server', 'parseconfig', 'selector', 'config', 'foo']) assert.equal(tokens.mayMatch(term, []), false, term);
    // A codebase's custom extension counts from the first search of it on.
    assert.equal(tokens.mayMatch('foo', ['.foo']), true);
  } finally {
    tokens.close();
  }
});

test('terms no extension tokenizes to rank the same in any column as in the searched ones', async () => {
  const home = tempFolder('ext-home');
  const project = tempFolder('ext-project');
  const files: Record<string, string> = {
    'notes/readme.md': '# Reading the server config\n\nThe server reads its config at start. See ts and json files.\n',
    'data/settings.json': '{ "server": { "port": 8080 }, "readTimeout": 30 }\n',
    'tool/main.rs': 'fn read_config() -> Config {\n    let server = Server::new();\n    server.read()\n}\n',
    'tool/extra.foo': 'read server config from foo files\n',
  };
  for (let index = 0; index < 30; index++) {
    files[`src/module${index}.ts`] = `export function readServer${index}(config: string): string {\n  return config + ${index}; // server ${index % 3 === 0 ? 'read' : 'write'}\n}\n`;
  }
  writeTree(project.path, files);
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 1000 }, { soleWriter: true, indexing: { workers: 0 } });
  const tokens = new ExtensionTokens();
  try {
    const final = await (await engine.startIndex(project.path, { customExtensions: ['.foo'] })).done;
    assert.equal(final.phase, 'done', final.message);
    const codebase = engine.listCodebases()[0]!;
    const custom = codebase.settings.customExtensions;
    const ranking = (match: string) =>
      engine.store.search.candidates(codebase.id, match, 200, DEFAULT_RANKING_CONFIG.columns).map((candidate) => `${candidate.chunkId}:${candidate.bm25}`);
    for (const terms of [['read'], ['server', 'config'], ['readserver0', 'read', 'server'], ['write', 'port', 'readtimeout']]) {
      assert.ok(terms.every((term) => !tokens.mayMatch(term, custom)));
      const searched = ranking(termsExpression(terms, [], 'searched')!);
      assert.ok(searched.length > 0, terms.join(' '));
      assert.deepEqual(ranking(termsExpression(terms, [], 'any')!), searched, terms.join(' '));
      const count = (expression: string) => engine.store.search.countMatches(codebase.id, expression, 1000);
      assert.equal(count(singleTermExpression(terms[0]!, 'any')), count(singleTermExpression(terms[0]!, 'searched')));
    }
    // Today every extension word of at least two letters is also among its path's terms; a row whose
    // extension column holds a word its other columns lack (as another writer could leave) shows why
    // a term that may match the column keeps the column names.
    const fts = `fts_${codebase.id}`;
    engine.store.db.prepare(`INSERT INTO ${fts}(rowid, symbols, path, body, ext) VALUES (999999, '', 'other', 'read', 'foo')`).run();
    assert.ok(tokens.mayMatch('foo', custom));
    const count = (expression: string) => engine.store.search.countMatches(codebase.id, expression, 1000);
    assert.equal(count(singleTermExpression('foo', 'any')), count(singleTermExpression('foo', 'searched')) + 1);
  } finally {
    tokens.close();
    engine.close();
    home.remove();
    project.remove();
  }
});

test("every word of two letters or more of a file's extension is also one of its path's terms, as FTS5 tokenizes both", () => {
  // What makes a term of an extension this Baton does not know harmless (see extension-tokens.ts).
  const db = new DatabaseSync(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(path, ext, tokenize='${FTS_TOKENIZER}')`);
    db.exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
    const extensions = [...knownExtensions(), '.foo_bar', '.fooBar', '.mp4', '.x1', '.café'];
    const insert = db.prepare('INSERT INTO t(rowid, path, ext) VALUES (?, ?, ?)');
    extensions.forEach((extension, index) => {
      const terms = fileSearchTerms(`src/some-dir/Module_${index}${extension}`);
      insert.run(index + 1, terms.pathTerms, terms.extension);
    });
    const tokens = db.prepare('SELECT doc, col, term FROM v').all() as { doc: number; col: string; term: string }[];
    const pathTokens = new Set(tokens.filter((token) => token.col === 'path').map((token) => `${token.doc}:${token.term}`));
    const missing = tokens.filter((token) => token.col === 'ext' && token.term.length >= 2 && !pathTokens.has(`${token.doc}:${token.term}`));
    assert.deepEqual(missing.map((token) => `${extensions[token.doc - 1]}: ${token.term}`), []);
    assert.ok(tokens.some((token) => token.col === 'ext'), 'the extension column was filled');
  } finally {
    db.close();
  }
});
