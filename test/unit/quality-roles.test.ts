import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPath, roleOfResult } from '../../bench/commit-quality/roles.ts';

test('tests are recognised by folder and by file name, in every language of the corpus', () => {
  for (const file of [
    'test/parser.c',
    'tests/test_black.py',
    'spec/rubocop/cop/style/foo_spec.rb',
    'src/__tests__/router.ts',
    'modules/caddyhttp/app_test.go',
    'src/black/test_helpers.py',
    'src/black/cache_test.py',
    'src/client/utils.test.ts',
    'lib/router.spec.js',
    'src/test/java/org/jsoup/nodes/ElementTest.java',
    'src/main/java/org/jsoup/ElementTest.java',
    'Src/Newtonsoft.Json.Tests/Linq/JObjectTests.cs',
    'Src/Newtonsoft.Json.Tests/Issues/Issue3055.cs',
    'crates/ignore/testdata/x.rs',
    'runtime-tests/deno/app.ts',
    'tests/conftest.py',
  ]) {
    assert.equal(classifyPath(file), 'test', file);
  }
});

test('changelogs, docs, generated files, examples and config are told apart from source', () => {
  const cases: [string, string][] = [
    ['CHANGELOG.md', 'changelog'],
    ['CHANGES.md', 'changelog'],
    ['History.markdown', 'changelog'],
    ['NEWS.rst', 'changelog'],
    ['RELEASES.md', 'changelog'],
    ['changelog/fix_lint_name_typo_20260814.md', 'changelog'],
    ['relnotes/v1.70.0.md', 'changelog'],
    ['README.md', 'docs'],
    ['crates/index/README.md', 'docs'],
    ['docs/src/rules/no-var.md', 'docs'],
    ['docs/conf.py', 'docs'],
    ['doc/api.rst', 'docs'],
    ['GUIDE.md', 'docs'],
    ['notes.txt', 'docs'],
    ['api/service.pb.go', 'generated'],
    ['proto/service_pb2.py', 'generated'],
    ['Forms/Main.Designer.cs', 'generated'],
    ['src/generated/client.ts', 'generated'],
    ['examples/basic/main.go', 'example'],
    ['package.json', 'config'],
    ['.github/workflows/ci.yml', 'config'],
    ['config/default.yml', 'config'],
    ['Cargo.toml', 'config'],
    ['rubocop.gemspec', 'config'],
    ['eslint.config.js', 'config'],
    ['.eslintrc.js', 'config'],
    ['CMakeLists.txt', 'config'],
    ['src/black/linegen.py', 'source'],
    ['modules/caddyhttp/app.go', 'source'],
    ['src/main/java/org/jsoup/nodes/Element.java', 'source'],
    ['lib/rubocop/cop/style/sample.rb', 'source'],
    ['src/Composer/Util/Url.php', 'source'],
    ['src/unix/stream.c', 'source'],
    ['include/uv.h', 'source'],
    ['lib/rules/no-var.js', 'source'],
    ['Src/Newtonsoft.Json/Linq/JToken.cs', 'source'],
    ['src/hono-base.ts', 'source'],
    // a code file in a nested doc/ folder is source; only a root docs/ folder makes code docs
    ['crates/core/flags/doc/help.rs', 'source'],
    // not indexed by Baton at all
    ['LICENSE', 'other'],
    ['Cargo.lock', 'other'],
    ['media/icon.png', 'other'],
  ];
  for (const [file, role] of cases) assert.equal(classifyPath(file), role, file);
});

test("a result's own role wins over the path classifier", () => {
  assert.equal(roleOfResult({ file: 'src/app_test.go' }), 'test');
  assert.equal(roleOfResult({ file: 'src/app_test.go', role: 'source' }), 'source');
  assert.equal(roleOfResult({ file: 'src/app.go', role: undefined }), 'source');
});
