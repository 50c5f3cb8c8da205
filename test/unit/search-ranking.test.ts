import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

/** A Java reader with many methods (several chunks), its test that names it everywhere, a changelog that quotes the fix. */
function readerSource(): string {
  const methods = ['nextString', 'nextBoolean', 'nextLong', 'nextDouble', 'skipValue', 'peek', 'beginArray', 'endArray', 'beginObject', 'endObject'].map(
    (name) =>
      `  /** Reads the next token as ${name}. */\n  public Object ${name}() throws IOException {\n    int p = peeked;\n    if (p == PEEKED_NONE) p = doPeek();\n    ${'buffer.append((char) p);\n    '.repeat(12)}return consume(p);\n  }\n`,
  );
  const nextInt =
    '  /** Reads an int; on failure the reader stays where it was. */\n  public int nextInt() throws IOException {\n    int p = peeked;\n    if (p == PEEKED_NONE) p = doPeek();\n    if (p != PEEKED_NUMBER) throw syntaxError("Expected an int");\n    peeked = PEEKED_NONE;\n    return (int) peekedLong;\n  }\n';
  return `package com.example.json;\n\nimport java.io.IOException;\n\npublic class JsonReader {\n  private int peeked;\n  private long peekedLong;\n  private final StringBuilder buffer = new StringBuilder();\n\n${methods.slice(0, 5).join('\n')}\n${nextInt}\n${methods.slice(5).join('\n')}}\n`;
}

function readerTest(): string {
  const cases = Array.from(
    { length: 12 },
    (_, index) =>
      `  @Test\n  public void nextIntFails${index}() throws IOException {\n    JsonReader reader = new JsonReader(reader("[${index}.5]"));\n    reader.beginArray();\n    try { reader.nextInt(); fail(); } catch (NumberFormatException expected) {}\n    assertEquals(${index}.5, reader.nextDouble(), 0);\n    // the JsonReader must not be left in an invalid state when nextInt fails\n  }\n`,
  );
  return `package com.example.json;\n\npublic final class JsonReaderTest {\n${cases.join('\n')}}\n`;
}

const FILES: Record<string, string> = {
  'src/main/java/com/example/json/JsonReader.java': readerSource(),
  'src/test/java/com/example/json/JsonReaderTest.java': readerTest(),
  'CHANGELOG.md': "# Changelog\n\n## 2.1\n\n- Don't leave the JsonReader in an invalid state if nextInt() fails (#1234)\n- JsonReader: nextInt() no longer fails on whole doubles\n",
  'docs/reader.md': '# Reading JSON\n\nCreate a `JsonReader` and call `nextInt()` for numbers. If nextInt fails the reader is left as it was.\n',
  'src/parser/tokenizer.ts': 'export function tokenize(text: string): string[] {\n  return text.split(/\\s+/).filter((word) => word.length > 0);\n}\n',
  'src/parser/tokenizer.test.ts':
    "import { tokenize } from './tokenizer';\n\ntest('tokenize splits at whitespace', () => {\n  expect(tokenize('a b')).toEqual(['a', 'b']);\n});\n",
};
for (let index = 0; index < 12; index++) {
  FILES[`src/widgets/widget${index}.ts`] = Array.from(
    { length: 4 },
    (_, part) => `/** Widget ${index} part ${part}: renders a widget frame. */\nexport function renderWidget${index}Part${part}(widget: Widget): string {\n  ${'const frame = widget.frame ?? defaultFrame(widget);\n  '.repeat(20)}return frame.toString();\n}\n`,
  ).join('\n');
}

const home = tempFolder('ranking-home');
const project = tempFolder('ranking-project');
let engine: Engine;

before(async () => {
  writeTree(project.path, FILES);
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  const started = await engine.startIndex(project.path, {});
  const final = await started.done;
  assert.equal(final.phase, 'done', final.message);
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

const search = (query: string, options: { limit?: number; roles?: ('source' | 'test' | 'docs' | 'changelog')[] } = {}) =>
  engine.search(project.path, query, { limit: options.limit ?? 10, roles: options.roles });

test('the code comes first, before the test, changelog and docs that quote the words', async () => {
  const { results } = await search("Don't leave the JsonReader in an invalid state if nextInt() fails");
  assert.equal(results[0]?.file, 'src/main/java/com/example/json/JsonReader.java', results.map((result) => result.file).join('\n'));
  assert.equal(results[0]?.role, 'source');
  const roles = new Map(results.map((result) => [result.file, result.role]));
  assert.equal(roles.get('src/test/java/com/example/json/JsonReaderTest.java'), 'test');
  assert.equal(roles.get('CHANGELOG.md'), 'changelog');
  assert.equal(roles.get('docs/reader.md'), 'docs');
});

test('definitions first: the chunk that defines the name leads', async () => {
  const { results } = await search('nextInt');
  assert.equal(results[0]?.file, 'src/main/java/com/example/json/JsonReader.java');
  assert.match(results[0]!.content, /public int nextInt\(\)/);
});

test('a query that asks for tests gets tests', async () => {
  const { results } = await search('tests for the tokenizer');
  assert.equal(results[0]?.file, 'src/parser/tokenizer.test.ts');
  assert.equal(results[0]?.role, 'test');
  assert.ok(results.some((result) => result.file === 'src/parser/tokenizer.ts'), 'the code still answers');
  const spec = await search('JsonReader nextInt test');
  assert.equal(spec.results[0]?.role, 'test');
});

test('roles restrict the search to files of those roles', async () => {
  const tests = await search('JsonReader nextInt', { roles: ['test'] });
  assert.ok(tests.results.length > 0);
  assert.ok(tests.results.every((result) => result.role === 'test'), tests.results.map((result) => result.file).join());
  const changelog = await search('JsonReader nextInt', { roles: ['changelog'] });
  assert.deepEqual([...new Set(changelog.results.map((result) => result.file))], ['CHANGELOG.md']);
  const both = await search('JsonReader nextInt', { roles: ['source', 'docs'] });
  assert.deepEqual([...new Set(both.results.map((result) => result.role))].sort(), ['docs', 'source']);
});

test('ten results name at least seven files when the index has them, neighbours joined', async () => {
  const { results } = await search('render widget frame', { limit: 10 });
  assert.equal(results.length, 10);
  assert.ok(new Set(results.map((result) => result.file)).size >= 7, results.map((result) => result.file).join('\n'));
  const perFile = new Map<string, number>();
  for (const result of results) perFile.set(result.file, (perFile.get(result.file) ?? 0) + 1);
  assert.ok([...perFile.values()].every((count) => count <= 2));
  const lines = results.map((result) => `${result.file}:${result.startLine}`);
  assert.equal(new Set(lines).size, lines.length, 'no place twice');
});

test('an index written before roles existed still answers with roles (judged by path)', async () => {
  engine.store.db.exec('UPDATE files SET role = NULL; UPDATE chunks SET role = NULL');
  const { results } = await search("Don't leave the JsonReader in an invalid state if nextInt() fails");
  assert.equal(results[0]?.file, 'src/main/java/com/example/json/JsonReader.java');
  assert.equal(results.find((result) => result.file === 'CHANGELOG.md')?.role, 'changelog');
  const tests = await search('JsonReader', { roles: ['test'] });
  assert.ok(tests.results.length > 0 && tests.results.every((result) => result.role === 'test'));
});
