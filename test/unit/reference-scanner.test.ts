import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanReferences } from '../../src/engine/symbols/reference-scanner.ts';

/** The lines of `name` in `lines` (joined with "\n") scanned as `language`, or undefined when not found. */
function linesOf(language: string, lines: string[], name: string): number[] | undefined {
  return scanReferences(lines.join('\n'), language).get(name);
}

function names(language: string, lines: string[]): string[] {
  return [...scanReferences(lines.join('\n'), language).keys()].sort();
}

test('JavaScript: code is read; comments, strings and regular expressions are not; template holes are', () => {
  const file = [
    '// used() in a comment',
    '/* used() in a block',
    '   comment */',
    "const a = 'used()';",
    'const b = "used()";',
    'const c = `text used ${used(a)} more`;',
    'const d = /used/g.test(b);',
    'const e = total / used / 2;',
    'return used;',
  ];
  assert.deepEqual(linesOf('javascript', file, 'used'), [6, 8, 9]);
  assert.deepEqual(linesOf('javascript', file, 'total'), [8]);
  for (const keyword of ['const', 'return']) assert.equal(linesOf('javascript', file, keyword), undefined, keyword);
  assert.equal(linesOf('javascript', file, 'text'), undefined, 'template text is a string');
});

test('JavaScript: nested templates, one-letter names and $-names', () => {
  const file = ['const x = `a ${`b ${inner} c`} d ${outer}`;', 'const $scope = $el;', 'i++;'];
  assert.deepEqual(linesOf('javascript', file, 'inner'), [1]);
  assert.deepEqual(linesOf('javascript', file, 'outer'), [1]);
  assert.deepEqual(linesOf('javascript', file, '$scope'), [2]);
  assert.equal(linesOf('javascript', file, 'i'), undefined, 'names of one character are not recorded');
});

test('TypeScript: types and decorators are references; strings in imports are not', () => {
  const file = ["import { Config } from './config-file';", '@Injectable()', 'class A implements Config { run(c: Config): void {} }'];
  assert.deepEqual(linesOf('typescript', file, 'Config'), [1, 3]);
  assert.deepEqual(linesOf('typescript', file, 'Injectable'), [2]);
  assert.equal(linesOf('typescript', file, 'file'), undefined);
  assert.equal(linesOf('typescript', file, 'implements'), undefined, 'a TypeScript keyword');
});

test('Python: # comments, docstrings and plain strings are skipped, f-string holes are read, self is not a reference', () => {
  const file = [
    'def run(self):',
    '    """Calls target() once."""',
    '    # target() again',
    "    name = 'target'",
    '    label = f"{target(self.count)} and {{target}}"',
    "    raw = r'target\\'",
    '    return target',
  ];
  assert.deepEqual(linesOf('python', file, 'target'), [5, 7]);
  assert.deepEqual(linesOf('python', file, 'count'), [5]);
  assert.equal(linesOf('python', file, 'self'), undefined);
  assert.equal(linesOf('python', file, 'Calls'), undefined);
});

test('Go: raw strings and runes are skipped', () => {
  const file = ['var pattern = `match(here)`', "var r = 'x'", 'func f() { here() }'];
  assert.deepEqual(linesOf('go', file, 'here'), [3]);
  assert.equal(linesOf('go', file, 'match'), undefined);
});

test('Rust: lifetimes are not strings, raw strings and nested comments are skipped', () => {
  const file = [
    "fn get<'a>(s: &'a str) -> &'a str { s }",
    'let raw = r#"call(ignored)"#;',
    '/* outer /* inner */ ignored() */',
    "let c = 'x'; call(value);",
  ];
  assert.deepEqual(linesOf('rust', file, 'call'), [4]);
  assert.deepEqual(linesOf('rust', file, 'str'), [1]);
  assert.equal(linesOf('rust', file, 'ignored'), undefined);
  assert.deepEqual(linesOf('rust', file, 'value'), [4]);
});

test('Java: text blocks and character literals are skipped', () => {
  const file = ['String s = """', '  hidden()', '  """;', "char c = 'q'; visible();"];
  assert.equal(linesOf('java', file, 'hidden'), undefined);
  assert.deepEqual(linesOf('java', file, 'visible'), [4]);
});

test('C and C++: #include lines, raw strings and digit separators', () => {
  const file = ['#include <hidden_header.h>', '#define LIMIT 10', 'auto s = R"x(hidden(call))x";', "int n = 1'000'000 + LIMIT;"];
  assert.equal(linesOf('cpp', file, 'hidden_header'), undefined);
  assert.equal(linesOf('cpp', file, 'hidden'), undefined);
  assert.deepEqual(linesOf('cpp', file, 'LIMIT'), [2, 4]);
  assert.deepEqual(names('c', ['#include "local.h"', 'int main(void) { return helper(); }']), ['helper', 'main']);
});

test('C#: verbatim and interpolated strings', () => {
  const file = ['var path = @"C:\\hidden\\""quoted""";', 'var text = $"{Shown(x)} and {{hidden}}";', '#region Hidden', 'Shown(y);'];
  assert.deepEqual(linesOf('csharp', file, 'Shown'), [2, 4]);
  assert.equal(linesOf('csharp', file, 'hidden'), undefined);
  assert.equal(linesOf('csharp', file, 'quoted'), undefined);
  assert.equal(linesOf('csharp', file, 'region'), undefined);
});

test('Ruby: interpolation, %-literals, heredocs, =begin blocks; @variables and :symbols by their name', () => {
  const file = [
    'words = %w[hidden other]',
    'text = "#{shown(1)} hidden"',
    'doc = <<~EOS',
    '  hidden body',
    'EOS',
    '=begin',
    'hidden()',
    '=end',
    '@books.each { |b| shown(b) }',
    'attr_reader :books',
  ];
  assert.deepEqual(linesOf('ruby', file, 'shown'), [2, 9]);
  assert.equal(linesOf('ruby', file, 'hidden'), undefined);
  assert.deepEqual(linesOf('ruby', file, 'books'), [9, 10]);
});

test('PHP: markup outside <?php … ?> is skipped; $variables by their name; #[attributes] are code', () => {
  const file = ['<html><body>hidden</body>', '<?php', '#[Route("/x")]', 'function show($user) { return render($user); } // hidden', '?>', '<p>hidden again</p>', '<?= render($other) ?>'];
  assert.equal(linesOf('php', file, 'hidden'), undefined);
  assert.deepEqual(linesOf('php', file, 'render'), [4, 7]);
  assert.deepEqual(linesOf('php', file, 'user'), [4]);
  assert.deepEqual(linesOf('php', file, 'Route'), [3]);
});

test('a language without a scanner has no references', () => {
  assert.equal(scanReferences('some text', 'markdown').size, 0);
});
