import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chunker } from '../../src/engine/chunk/chunker.ts';
import { GrammarLoader } from '../../src/engine/chunk/grammars.ts';
import { parseInput, textForCGrammar } from '../../src/engine/chunk/c-grammar.ts';
import { languageOf, type LanguageInfo } from '../../src/engine/languages.ts';
import { SAMPLES } from '../fixtures/chunker/samples.ts';

function grammarOf(language: LanguageInfo, text: string): string | undefined {
  return parseInput(language, text).grammar;
}
import { FORMS } from '../fixtures/symbols/forms.ts';

function language(path: string): LanguageInfo {
  const info = languageOf(path);
  assert.ok(info, path);
  return info;
}

const C_HEADER = [
  '#ifndef QUEUE_H',
  '#define QUEUE_H',
  '#ifdef __cplusplus',
  'extern "C" {',
  '#endif',
  'typedef struct queue { int head; int tail; } queue_t;',
  'int queue_push(queue_t *queue, int value);',
  '#ifdef __cplusplus',
  '}',
  '#endif',
  '#endif',
  '',
].join('\n');

const CPP_HEADER = [
  '#pragma once',
  'namespace shapes {',
  'class Polygon : public Shape {',
  ' public:',
  '  double area() const;',
  '};',
  '}',
  '',
].join('\n');

test('C files and headers are parsed with the C grammar, C++ files with the C++ one', () => {
  assert.equal(grammarOf(language('src/queue.c'), C_HEADER), 'c');
  assert.equal(grammarOf(language('include/queue.h'), C_HEADER), 'c');
  assert.equal(grammarOf(language('src/shapes.cpp'), C_HEADER), 'cpp');
  assert.equal(grammarOf(language('include/shapes.hpp'), CPP_HEADER), 'cpp');
});

test('a .h file with something only C++ has is parsed with the C++ grammar', () => {
  const header = language('include/shapes.h');
  assert.equal(grammarOf(header, CPP_HEADER), 'cpp');
  for (const line of ['template <typename T> T max(T a, T b);', 'class Widget {', 'struct Point final {', '  private:', 'using namespace std;', 'inline namespace v1 {', 'extern "C++" {']) {
    assert.equal(grammarOf(header, `int a;\n${line}\n`), 'cpp', line);
  }
  // What C headers have too: a guard for C++ includers, `class` as a word, C++ overloads for C++ includers only.
  for (const line of ['#ifdef __cplusplus', 'int class_count;', '/* the class of */', 'struct point { int x; };', '#ifdef __cplusplus\nextern "C++" {\ninline int f(double x) { return 0; }\n}\n#endif']) {
    assert.equal(grammarOf(header, `int a;\n${line}\n`), 'c', line);
  }
});

test('the C grammar reads a header without its C++-only branches, at the same places', () => {
  const parsed = textForCGrammar(C_HEADER);
  assert.equal(parsed.length, C_HEADER.length);
  assert.equal(parsed.split('\n').length, C_HEADER.split('\n').length);
  assert.ok(!parsed.includes('extern'), parsed);
  assert.ok(parsed.includes('int queue_push(queue_t *queue, int value);'));
  // Nested conditions inside the branch, and the #else branch (C) kept.
  const nested = ['#if defined(__cplusplus)', '#ifdef X', 'x', '#endif', 'namespace n {', '#else', 'int c_only;', '#endif', 'int after;'].join('\n');
  assert.deepEqual(textForCGrammar(nested).split('\n').map((line) => line.trim()), ['#if defined(__cplusplus)', '', '', '', '', '#else', 'int c_only;', '#endif', 'int after;']);
});

test('the C samples parse with the C grammar without errors', async () => {
  const loader = new GrammarLoader();
  for (const sample of [SAMPLES.c, FORMS.c, { path: 'include/queue.h', text: C_HEADER }]) {
    assert.ok(sample);
    const tree = await loader.parse(textForCGrammar(sample.text), 'c');
    assert.ok(tree, sample.path);
    try {
      assert.equal(tree.rootNode.hasError, false, sample.path);
    } finally {
      tree.delete();
    }
  }
});

test('a C++ header named .h is chunked as C++: its class and method are named', async () => {
  const chunker = new Chunker();
  const asHeader = await chunker.chunkAndExtract(CPP_HEADER, language('include/shapes.h'));
  const asCpp = await chunker.chunkAndExtract(CPP_HEADER, language('include/shapes.hpp'));
  assert.deepEqual(asHeader.chunks, asCpp.chunks);
  assert.ok(asHeader.chunks.some((chunk) => chunk.symbols.includes('Polygon')), JSON.stringify(asHeader.chunks));
});

test('a C header with a C++ guard yields its definitions', async () => {
  const { symbols } = await new Chunker().chunkAndExtract(C_HEADER, language('include/queue.h'));
  assert.ok(symbols);
  assert.deepEqual(
    symbols.definitions.map((definition) => `${definition.kind} ${definition.name}`),
    ['constant QUEUE_H', 'struct queue', 'type queue_t'],
  );
});
