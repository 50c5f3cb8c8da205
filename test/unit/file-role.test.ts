import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chunker } from '../../src/engine/chunk/chunker.ts';
import { languageOf } from '../../src/engine/languages.ts';
import { hasGeneratedHeader, roleOfFile, roleOfPath } from '../../src/engine/roles/file-role.ts';

/** Paths as they appear in real projects of each language, with the role each must get. */
const BY_LANGUAGE: Record<string, [string, string][]> = {
  go: [
    ['modules/caddyhttp/app.go', 'source'],
    ['modules/caddyhttp/app_test.go', 'test'],
    ['caddytest/integration/testdata/foo.go', 'test'],
    ['internal/gen/api.pb.go', 'generated'],
    ['zz_generated.deepcopy.go', 'generated'],
    ['examples/server/main.go', 'example'],
  ],
  python: [
    ['src/black/linegen.py', 'source'],
    ['tests/test_black.py', 'test'],
    ['src/black/foo_test.py', 'test'],
    ['test_helpers.py', 'test'],
    ['tests/data/cases/comments.py', 'test'],
    ['tests/conftest.py', 'test'],
    ['app/conftest.py', 'test'],
    ['src/black/py.typed.pyi', 'generated'],
    ['proto/service_pb2.py', 'generated'],
    ['docs/conf.py', 'docs'],
    ['setup.py', 'config'],
    ['src/testing_utils/history.py', 'source'],
  ],
  java: [
    ['src/main/java/org/jsoup/nodes/Entities.java', 'source'],
    ['src/test/java/org/jsoup/nodes/EntitiesTest.java', 'test'],
    ['src/main/java/org/jsoup/Contest.java', 'source'],
    ['core/src/main/java/com/x/FooIT.java', 'test'],
    ['src/main/java/com/squareup/kotlinpoet/TypeSpec.java', 'source'],
    ['build.gradle', 'config'],
    ['src/main/java/com/example/json/JsonReader.java', 'source'],
    ['src/main/java/org/jsoup/examples/HtmlToPlainText.java', 'example'],
  ],
  kotlin: [
    ['app/src/test/kotlin/com/x/ParserTest.kt', 'test'],
    ['app/src/main/kotlin/com/x/Parser.kt', 'source'],
  ],
  javascript: [
    ['lib/rules/eqeqeq.js', 'source'],
    ['tests/lib/rules/eqeqeq.js', 'test'],
    ['src/utils.test.js', 'test'],
    ['src/__tests__/utils.js', 'test'],
    ['src/api.spec.mjs', 'test'],
    ['eslint.config.js', 'config'],
    ['.eslintrc.js', 'config'],
    ['dist/app.min.js', 'generated'],
  ],
  typescript: [
    ['src/client/client.ts', 'source'],
    ['src/client/client.test.ts', 'test'],
    ['src/router.spec.tsx', 'test'],
    ['runtime-tests/deno/app.ts', 'test'],
    ['types/index.d.ts', 'generated'],
    ['src/types.d.mts', 'generated'],
    ['benchmarks/router/index.ts', 'example'],
    ['vitest.config.ts', 'config'],
  ],
  rust: [
    ['crates/ignore/src/walk.rs', 'source'],
    ['tests/regression.rs', 'test'],
    ['crates/core/tests.rs', 'test'],
    ['benches/search.rs', 'example'],
    ['build.rs', 'config'],
  ],
  ruby: [
    ['lib/rubocop/cop/layout/first_argument_indentation.rb', 'source'],
    ['spec/rubocop/cop/layout/first_argument_indentation_spec.rb', 'test'],
    ['test/rack/test_request.rb', 'test'],
    ['lib/rack/request_test.rb', 'test'],
    ['Gemfile', 'config'],
    ['rubocop.gemspec', 'config'],
  ],
  csharp: [
    ['Src/Newtonsoft.Json/JsonReader.cs', 'source'],
    ['Src/Newtonsoft.Json.Tests/JsonReaderTest.cs', 'test'],
    ['Src/Newtonsoft.Json.Tests/Linq/JObjectAsync.cs', 'test'],
    ['Src/Foo.UnitTests/Parser.cs', 'test'],
    ['Src/Forms/MainForm.Designer.cs', 'generated'],
    ['Src/Newtonsoft.Json/Newtonsoft.Json.csproj', 'config'],
  ],
  php: [
    ['src/Composer/Installer.php', 'source'],
    ['tests/Composer/Test/InstallerTest.php', 'test'],
    ['src/Composer/Util/Http/CurlDownloader.php', 'source'],
  ],
  c: [
    ['src/unix/stream.c', 'source'],
    ['include/uv.h', 'source'],
    ['test/test-tcp-open.c', 'test'],
    ['src/foo_unittest.cc', 'test'],
    ['CMakeLists.txt', 'config'],
  ],
};

for (const [language, cases] of Object.entries(BY_LANGUAGE)) {
  test(`file roles: ${language}`, () => {
    for (const [path, role] of cases) assert.equal(roleOfPath(path), role, path);
  });
}

test('file roles: changelogs, docs, examples and configuration', () => {
  const cases: [string, string][] = [
    ['CHANGELOG.md', 'changelog'],
    ['CHANGES.md', 'changelog'],
    ['HISTORY.rst', 'changelog'],
    ['NEWS.txt', 'changelog'],
    ['docs/releases.md', 'changelog'],
    ['changelog/fix_infinite_loop.md', 'changelog'],
    ['.changeset/brave-dogs.md', 'changelog'],
    ['relnotes/v1.2.0.md', 'changelog'],
    // A source file named like a changelog is code.
    ['lib/history.py', 'source'],
    ['src/News.java', 'source'],
    ['README.md', 'docs'],
    ['packages/core/readme.txt', 'docs'],
    ['docs/src/guide/getting-started.md', 'docs'],
    ['docs/_plugins/highlight.rb', 'docs'],
    ['src/notes.md', 'docs'],
    ['LICENSE.txt', 'docs'],
    ['examples/basic/index.js', 'example'],
    ['samples/Demo.cs', 'example'],
    ['Src/Newtonsoft.Json.Benchmarks/Program.cs', 'example'],
    ['src/parser.bench.ts', 'example'],
    ['package.json', 'config'],
    ['package-lock.json', 'generated'],
    ['.github/workflows/ci.yml', 'config'],
    ['.github/scripts/release.js', 'config'],
    ['requirements-dev.txt', 'config'],
    ['config/settings.toml', 'config'],
    ['Makefile', 'config'],
    ['src/schema.sql', 'source'],
    ['api/service.proto', 'source'],
  ];
  for (const [path, role] of cases) assert.equal(roleOfPath(path), role, path);
});

test('generated-code headers make a source path generated; the same words in code do not', () => {
  assert.equal(roleOfFile('api/client.go', '// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n'), 'generated');
  assert.equal(roleOfFile('src/parser.ts', '/* @generated by peggy */\nexport function parse() {}\n'), 'generated');
  assert.equal(roleOfFile('Src/Model.cs', '// <auto-generated>\n//   This code was generated by a tool.\n'), 'generated');
  assert.equal(roleOfFile('lib/table.py', '# This file is automatically generated; do not edit.\nTABLE = {}\n'), 'generated');
  assert.equal(roleOfFile('src/codegen.ts', 'export function emit() {\n  return "ok";\n}\n'), 'source');
  const late = `${'function f() {}\n'.repeat(100)}// auto-generated ids below\n`;
  assert.equal(hasGeneratedHeader(late), false, 'only the header counts');
  assert.equal(roleOfFile('tests/test_x.py', '# auto-generated fixture\n'), 'generated', 'a generated marker wins over the folder');
});

test('every indexed language gets a role from its path alone (old indexes fall back to it)', () => {
  for (const path of ['a.ts', 'b.py', 'c.go', 'd.rs', 'e.java', 'f.rb', 'g.php', 'h.c', 'i.cs', 'j.md', 'k.json', 'l.yaml', 'm.sh']) {
    assert.ok(languageOf(path), path);
    assert.match(roleOfPath(path), /^(source|test|docs|changelog|generated|example|config)$/, path);
  }
});

test("Rust #[cfg(test)] modules are test chunks inside a source file", async () => {
  const source = [
    'pub fn add(a: i32, b: i32) -> i32 {',
    '    a + b',
    '}',
    '',
    ...Array.from({ length: 40 }, (_, index) => `pub fn helper_${index}(value: u64) -> u64 {\n    value.wrapping_mul(${index + 3}).rotate_left(7) ^ 0x9e37_79b9_7f4a_7c15\n}\n`),
    '#[cfg(test)]',
    'mod tests {',
    '    use super::*;',
    '',
    ...Array.from({ length: 30 }, (_, index) => `    #[test]\n    fn adds_${index}() {\n        assert_eq!(add(${index}, 1), ${index + 1});\n        assert_eq!(helper_0(${index}), helper_0(${index}));\n    }\n`),
    '}',
    '',
  ].join('\n');
  const chunks = await new Chunker().chunk(source, languageOf('src/lib.rs')!);
  assert.ok(chunks.length >= 3, `chunks: ${chunks.length}`);
  const testChunks = chunks.filter((chunk) => chunk.role === 'test');
  assert.ok(testChunks.length > 0, 'the test module is marked');
  assert.ok(testChunks.every((chunk) => /adds_|mod tests|use super/.test(chunk.content)), 'only test code is marked');
  assert.ok(chunks.some((chunk) => chunk.role === undefined && chunk.content.includes('pub fn add')), 'the code keeps its file role');
  const other = await new Chunker().chunk('#[cfg(test)]\nmod tests {}\n', languageOf('src/a.go')!);
  assert.ok(other.every((chunk) => chunk.role === undefined), 'only Rust is read this way');
});
