import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chunk } from '../../src/engine/chunk/chunk.ts';
import { Chunker } from '../../src/engine/chunk/chunker.ts';
import { languageOf, type LanguageInfo } from '../../src/engine/languages.ts';
import { SAMPLES } from '../fixtures/chunker/samples.ts';

const LIMITS = { maxChars: 400, overlapLines: 2 };
/** One chunker (and so one set of loaded grammars) for the whole file. */
const chunker = new Chunker({ limits: LIMITS });

// ── helpers ─────────────────────────────────────────────────────────────────

function language(path: string): LanguageInfo {
  const info = languageOf(path);
  assert.ok(info, `no language for ${path}`);
  return info;
}

/** The file's lines as the chunker numbers them: split at "\n", a final newline opening no line. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/** Source lines start..end (1-based, inclusive) as a chunk holds them: without the last line ending. */
function sourceLines(text: string, start: number, end: number): string {
  return linesOf(text).slice(start - 1, end).join('\n').replace(/\r$/, '');
}

function assertContentIsSource(chunks: Chunk[], text: string): void {
  for (const chunk of chunks) {
    assert.ok(chunk.startLine >= 1 && chunk.startLine <= chunk.endLine, `bad range ${chunk.startLine}-${chunk.endLine}`);
    assert.equal(chunk.content, sourceLines(text, chunk.startLine, chunk.endLine), `content of ${chunk.startLine}-${chunk.endLine}`);
  }
}

/** AST chunks partition the file: each line in exactly one chunk, in order. */
function assertEachLineOnce(chunks: Chunk[], text: string): void {
  const lineCount = linesOf(text).length;
  let expected = 1;
  for (const chunk of chunks) {
    assert.equal(chunk.startLine, expected, `chunk ${chunk.startLine}-${chunk.endLine} should start at line ${expected}`);
    expected = chunk.endLine + 1;
  }
  assert.equal(expected, lineCount + 1, 'the last chunk should end at the last line');
}

function assertWithinLimit(chunks: Chunk[], maxChars: number): void {
  for (const chunk of chunks) {
    assert.ok(chunk.content.length <= maxChars, `chunk ${chunk.startLine}-${chunk.endLine} has ${chunk.content.length} chars`);
  }
}

function symbolsOf(chunk: Chunk): string[] {
  return chunk.symbols.split(' ').filter(Boolean);
}

function chunkHolding(chunks: Chunk[], line: number): Chunk {
  const chunk = chunks.find((candidate) => candidate.startLine <= line && line <= candidate.endLine);
  assert.ok(chunk, `no chunk holds line ${line}`);
  return chunk;
}

/** 1-based number of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = linesOf(text).findIndex((line) => line.includes(needle));
  assert.notEqual(index, -1, `"${needle}" not found`);
  return index + 1;
}

// ── one realistic file per language ─────────────────────────────────────────

interface Expectation {
  /** [name, startLine, endLine]: a chunk starting at a definition (or the comment above it). */
  readonly starts: readonly (readonly [string, number, number])[];
  /** [name, text of its definition line]: the chunk holding that line lists the name. */
  readonly named: readonly (readonly [string, string])[];
}

const EXPECTED: Record<keyof typeof SAMPLES, Expectation> = {
  typescript: {
    starts: [
      ['TtlCache', 12, 17],
      ['get', 18, 27],
      ['set', 28, 31],
      ['getOrLoad', 32, 39],
      ['evictExpired', 40, 51],
      ['readJsonFile', 52, 61],
      ['formatBytes', 62, 71],
    ],
    named: [
      ['DEFAULT_TTL', 'export const DEFAULT_TTL'],
      ['CacheEntry', 'export interface CacheEntry'],
      ['constructor', 'constructor(private'],
    ],
  },
  tsx: {
    starts: [
      ['TodoItem', 9, 17],
      ['TodoList', 18, 19],
    ],
    named: [
      ['TodoListProps', 'interface TodoListProps'],
      ['EmptyState', 'export const EmptyState'],
    ],
  },
  javascript: {
    starts: [
      ['matchPath', 5, 12],
      ['Router', 20, 30],
      ['handle', 31, 44],
      ['createRouter', 45, 47],
    ],
    named: [
      ['constructor', 'constructor() {'],
      ['add', 'add(method, pattern, handler)'],
    ],
  },
  python: {
    starts: [
      ['Inventory', 15, 21],
      ['add', 22, 28],
      ['remove', 29, 35],
      ['total_quantity', 36, 40],
      ['load_inventory', 41, 49],
      ['low_stock', 50, 51],
    ],
    named: [
      ['Item', 'class Item:'],
      ['__init__', 'def __init__(self):'],
    ],
  },
  go: {
    starts: [
      ['New', 17, 21],
      ['Push', 22, 28],
      ['Pop', 29, 40],
      ['Len', 41, 47],
      ['Drain', 48, 55],
    ],
    named: [
      ['ErrEmpty', 'var ErrEmpty'],
      ['Queue', 'type Queue struct'],
    ],
  },
  rust: {
    starts: [
      ['zeros', 12, 16],
      ['identity', 17, 24],
      ['get', 25, 28],
      ['set', 29, 33],
      ['mul', 34, 39],
      ['fmt', 53, 62],
      ['trace', 63, 65],
    ],
    named: [
      ['Matrix', 'pub struct Matrix'],
      ['Output', 'type Output'],
    ],
  },
  java: {
    starts: [
      ['Account', 7, 18],
      ['deposit', 19, 26],
      ['withdraw', 27, 38],
      ['history', 39, 48],
      ['InsufficientFundsException', 49, 53],
    ],
    named: [
      ['getBalance', 'public BigDecimal getBalance()'],
      ['toString', 'public String toString()'],
    ],
  },
  c: {
    starts: [
      ['ring_buffer_create', 14, 25],
      ['ring_buffer_free', 26, 33],
      ['ring_buffer_push', 34, 44],
      ['ring_buffer_pop', 45, 59],
    ],
    named: [
      ['ring_buffer', '} ring_buffer;'],
      ['min_size', 'static size_t min_size'],
    ],
  },
  cpp: {
    starts: [
      ['geometry', 5, 13],
      ['Circle', 14, 29],
      ['Rectangle', 30, 41],
      ['totalArea', 42, 49],
      ['clamp', 50, 57],
    ],
    named: [
      ['Shape', 'class Shape {'],
      ['area', 'double area() const override {'],
    ],
  },
  csharp: {
    starts: [
      ['IOrderRepository', 9, 14],
      ['Order', 15, 22],
      ['OrderService', 23, 31],
      ['PlaceOrder', 32, 35],
      ['QuoteDiscount', 44, 53],
    ],
    named: [
      ['Shop.Services', 'namespace Shop.Services'],
      ['OrderLine', 'public record OrderLine'],
      ['Total', 'public decimal Total'],
    ],
  },
  ruby: {
    starts: [
      ['Library', 3, 18],
      ['Catalog', 19, 25],
      ['add', 26, 31],
      ['lend', 32, 43],
      ['from_rows', 44, 50],
    ],
    named: [
      ['Book', 'class Book'],
      ['to_s', 'def to_s'],
      ['available', 'def available'],
    ],
  },
  php: {
    starts: [
      ['UserController', 13, 21],
      ['handle', 22, 30],
      ['show', 31, 40],
      ['slugify', 41, 46],
    ],
    named: [
      ['Controller', 'interface Controller'],
      ['__construct', 'public function __construct'],
    ],
  },
};

for (const [name, sample] of Object.entries(SAMPLES)) {
  const expected = EXPECTED[name as keyof typeof SAMPLES];

  test(`${name}: chunks start at definitions, with their names`, async () => {
    const info = language(sample.path);
    assert.ok(info.grammar, `${sample.path} should have a grammar`);
    const chunks = await chunker.chunk(sample.text, info);
    assert.ok(chunks.length >= expected.starts.length);
    for (const [definition, startLine, endLine] of expected.starts) {
      const chunk = chunks.find((candidate) => candidate.startLine === startLine);
      assert.ok(chunk, `${definition}: no chunk starts at line ${startLine}`);
      assert.equal(chunk.endLine, endLine, `${definition}: chunk ${startLine}-${chunk.endLine}`);
      assert.ok(symbolsOf(chunk).includes(definition), `${definition} missing from "${chunk.symbols}"`);
    }
    for (const [definition, lineText] of expected.named) {
      const chunk = chunkHolding(chunks, lineOf(sample.text, lineText));
      assert.ok(symbolsOf(chunk).includes(definition), `${definition} missing from "${chunk.symbols}"`);
    }
  });

  test(`${name}: every line in exactly one chunk, content as in the file`, async () => {
    const chunks = await chunker.chunk(sample.text, language(sample.path));
    assertEachLineOnce(chunks, sample.text);
    assertContentIsSource(chunks, sample.text);
    assertWithinLimit(chunks, LIMITS.maxChars);
  });

  test(`${name}: with the default limit, fewer and bigger chunks still name every definition`, async () => {
    const chunks = await new Chunker().chunk(sample.text, language(sample.path));
    const small = await chunker.chunk(sample.text, language(sample.path));
    assert.ok(chunks.length <= 2 && chunks.length < small.length, `${chunks.length} chunks`);
    assertEachLineOnce(chunks, sample.text);
    assertContentIsSource(chunks, sample.text);
    for (const [definition, startLine] of expected.starts) {
      assert.ok(symbolsOf(chunkHolding(chunks, startLine)).includes(definition), `${definition} missing`);
    }
  });
}

// ── big and small nodes ─────────────────────────────────────────────────────

/** A TypeScript class of `count` methods of about 160 characters each. */
function bigClass(count: number): string {
  const methods = Array.from({ length: count }, (_, index) =>
    [
      `  handler${index}(request: Request): Response {`,
      `    const body = request.body ?? {};`,
      `    this.log('handler${index}', body);`,
      `    return { status: 200, body: JSON.stringify({ index: ${index}, body }) };`,
      `  }`,
    ].join('\n'),
  );
  return ['import { log } from "./log";', '', 'export class Dispatcher {', methods.join('\n\n'), '}', ''].join('\n');
}

test('a class much larger than maxChars is split between its methods', async () => {
  const text = bigClass(40);
  const chunks = await new Chunker().chunk(text, language('src/dispatcher.ts'));
  assert.ok(text.length > 3 * 2000);
  assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
  assertEachLineOnce(chunks, text);
  assertContentIsSource(chunks, text);
  assertWithinLimit(chunks, 2000);
  assert.ok(symbolsOf(chunkHolding(chunks, lineOf(text, 'export class Dispatcher'))).includes('Dispatcher'));
  for (let index = 0; index < 40; index++) {
    // Each method whole in one chunk, which names it.
    const first = lineOf(text, `  handler${index}(request`);
    const chunk = chunkHolding(chunks, first);
    assert.ok(chunk.endLine >= first + 4, `handler${index} is cut: chunk ${chunk.startLine}-${chunk.endLine}`);
    assert.ok(symbolsOf(chunk).includes(`handler${index}`), `handler${index} missing from "${chunk.symbols}"`);
  }
});

test('a huge function is split at its statements, its header staying with its start', async () => {
  const statements = Array.from({ length: 300 }, (_, index) => `  total += compute(${index}, values[${index}]);`);
  const text = ['function accumulate(values: number[]): number {', '  let total = 0;', ...statements, '  return total;', '}', ''].join('\n');
  const chunks = await new Chunker().chunk(text, language('src/accumulate.ts'));
  assert.ok(chunks.length >= 5, `${chunks.length} chunks`);
  assertEachLineOnce(chunks, text);
  assertContentIsSource(chunks, text);
  assertWithinLimit(chunks, 2000);
  assert.ok(symbolsOf(chunks[0]!).includes('accumulate'));
  assert.ok(chunks[0]!.endLine > 10, 'the signature is not a chunk of its own');
  // Locals of a split function are not definitions worth a symbol.
  for (const chunk of chunks) assert.ok(!symbolsOf(chunk).includes('total'));
});

test('small neighbours (imports, tiny functions) are merged', async () => {
  const text = [
    "import { a } from './a';",
    "import { b } from './b';",
    "import { c } from './c';",
    '',
    ...Array.from({ length: 12 }, (_, index) => `export function tiny${index}() {\n  return ${index};\n}\n`),
  ].join('\n');
  const all = await new Chunker().chunk(text, language('src/tiny.ts'));
  assert.equal(all.length, 1);
  assert.deepEqual(symbolsOf(all[0]!), Array.from({ length: 12 }, (_, index) => `tiny${index}`));

  const small = await chunker.chunk(text, language('src/tiny.ts'));
  assert.ok(small.length > 1 && small.length < 12, `${small.length} chunks for 12 tiny functions`);
  assertEachLineOnce(small, text);
  assertWithinLimit(small, LIMITS.maxChars);
  for (let index = 0; index < 12; index++) {
    assert.ok(symbolsOf(chunkHolding(small, lineOf(text, `function tiny${index}(`))).includes(`tiny${index}`));
  }
});

test('a comment above a definition stays with it', async () => {
  const text = [
    'const first = 1;',
    '',
    ...Array.from({ length: 8 }, (_, index) => `const filler${index} = 'some filler text to take room ${index}';`),
    '',
    '/**',
    ' * Explains what follows.',
    ' */',
    'export function documented(): number {',
    '  return first + 1; // with a trailing comment',
    '}',
    '',
  ].join('\n');
  const chunks = await chunker.chunk(text, language('src/documented.ts'));
  const chunk = chunkHolding(chunks, lineOf(text, 'export function documented'));
  assert.ok(chunk.startLine <= lineOf(text, '/**'), `comment cut from its function: chunk ${chunk.startLine}-${chunk.endLine}`);
  assertEachLineOnce(chunks, text);
});

test('a node that cannot be split at syntax is cut by lines, without overlap', async () => {
  const comment = ['/*', ...Array.from({ length: 120 }, (_, index) => ` * line ${index} of a long licence text`), ' */'];
  const text = [...comment, 'export function after(): void {}', ''].join('\n');
  const chunks = await chunker.chunk(text, language('src/licence.ts'));
  assert.ok(chunks.length > 5);
  assertEachLineOnce(chunks, text);
  assertContentIsSource(chunks, text);
  assertWithinLimit(chunks, LIMITS.maxChars);
  assert.ok(symbolsOf(chunks.at(-1)!).includes('after'));
});

test('a bundle wrapped in one function call is chunked at the functions inside it', async () => {
  // Bundlers wrap a whole file in `(() => { … })()`: a chain of single-child nodes to descend.
  const functions = Array.from(
    { length: 60 },
    (_, index) => `function helper${index}(input) {\n  const doubled = input * 2;\n  return doubled + ${index};\n}`,
  );
  const text = `var lib = {}; ((module) => {\n"use strict";\n${functions.join('\n\n')}\nmodule.exports = lib;\n})(lib);\n`;
  const chunks = await new Chunker().chunk(text, language('dist/bundle.js'));
  assertEachLineOnce(chunks, text);
  assertWithinLimit(chunks, 2000);
  for (let index = 0; index < 60; index++) {
    const first = lineOf(text, `function helper${index}(`);
    const chunk = chunkHolding(chunks, first);
    assert.ok(chunk.endLine >= first + 3, `helper${index} is cut`);
    assert.ok(symbolsOf(chunk).includes(`helper${index}`), `helper${index} missing from "${chunk.symbols}"`);
  }
  // Locals inside the wrapper are not symbols; its functions are.
  assert.ok(chunks.every((chunk) => !symbolsOf(chunk).includes('doubled')));
});

test('deeply nested code neither overflows the stack nor loses lines', async () => {
  const branches = Array.from({ length: 800 }, (_, index) => `if (x === ${index}) {\n  y = ${index};\n} else `).join('');
  const text = `function pick(x, y) {\n${branches}{\n  y = -1;\n}\nreturn y;\n}\n`;
  const chunks = await new Chunker().chunk(text, language('src/pick.js'));
  assertEachLineOnce(chunks, text);
  assertContentIsSource(chunks, text);
  assertWithinLimit(chunks, 2000);
});

// ── long lines ──────────────────────────────────────────────────────────────

/** About 50 KB of minified JavaScript on one line. */
function minified(): string {
  return Array.from({ length: 1800 }, (_, index) => `function f${index}(a,b){return a*${index}+b}`).join(';');
}

test('a single huge line is cut into bounded chunks of that line', async () => {
  const line = minified();
  const text = `${line}\n`;
  assert.ok(line.length > 50_000);
  for (const splitter of ['ast', 'langchain'] as const) {
    const chunks = await new Chunker().chunk(text, language('dist/app.min.js'), splitter);
    assert.ok(chunks.length >= 25, `${splitter}: ${chunks.length} chunks`);
    assertWithinLimit(chunks, 2000);
    for (const chunk of chunks) assert.deepEqual([chunk.startLine, chunk.endLine], [1, 1]);
    assert.equal(chunks.map((chunk) => chunk.content).join(''), line, `${splitter}: pieces rebuild the line`);
    // Cuts fall between tokens, so every name is whole in some piece.
    for (let index = 0; index < 1800; index += 97) {
      assert.ok(chunks.some((chunk) => chunk.content.includes(`function f${index}(`)), `f${index} is cut`);
    }
  }
});

test('a huge line between normal lines keeps the line numbers around it', async () => {
  const text = ['const before = 1;', `const data = [${'1234567890,'.repeat(2000)}];`, 'const after = 2;', ''].join('\n');
  const chunks = await new Chunker().chunk(text, language('src/data.ts'));
  assertWithinLimit(chunks, 2000);
  assert.ok(chunks.some((chunk) => chunk.startLine === 1 && chunk.content.startsWith('const before')));
  assert.ok(chunks.some((chunk) => chunk.endLine === 3 && chunk.content.endsWith('const after = 2;')));
  const middle = chunks.filter((chunk) => chunk.content.includes('1234567890'));
  assert.ok(middle.length > 5);
  for (const chunk of middle) assert.ok(chunk.startLine <= 2 && chunk.endLine >= 2);
});

// ── the line splitter ───────────────────────────────────────────────────────

/** Checks text-splitter output: in order, moving forward, each non-blank line covered. */
function assertLineChunks(chunks: Chunk[], text: string, maxChars: number): void {
  assertContentIsSource(chunks, text);
  assertWithinLimit(chunks, maxChars);
  for (let index = 1; index < chunks.length; index++) {
    assert.ok(chunks[index]!.startLine > chunks[index - 1]!.startLine, 'each chunk starts after the one before');
    assert.ok(chunks[index]!.startLine <= chunks[index - 1]!.endLine + 1, 'no line skipped between chunks');
  }
  const lines = linesOf(text);
  lines.forEach((line, index) => {
    if (line.trim()) chunkHolding(chunks, index + 1);
  });
}

test('splitter "langchain" chunks code by lines, with overlap and no symbols', async () => {
  for (const sample of [SAMPLES.typescript, SAMPLES.python]) {
    const chunks = await chunker.chunk(sample.text, language(sample.path), 'langchain');
    assert.ok(chunks.length > 3);
    assertLineChunks(chunks, sample.text, LIMITS.maxChars);
    for (const chunk of chunks) assert.equal(chunk.symbols, '');
  }
  // Where no blank line offers a cut, neighbours share lines.
  const dense = Array.from({ length: 60 }, (_, index) => `  total += compute(${index}, values[${index}]);`).join('\n');
  const text = `function dense(values) {\n  let total = 0;\n${dense}\n  return total;\n}\n`;
  const chunks = await chunker.chunk(text, language('src/dense.js'), 'langchain');
  assertLineChunks(chunks, text, LIMITS.maxChars);
  for (let index = 1; index < chunks.length; index++) {
    assert.equal(chunks[index]!.startLine, chunks[index - 1]!.endLine + 1 - LIMITS.overlapLines);
  }
});

const TEXT_FILES: Record<string, string> = {
  'docs/guide.md': Array.from(
    { length: 30 },
    (_, index) => `## Section ${index}\n\nSome prose about part ${index} of the guide, long enough to matter.\nA second line of it.\n`,
  ).join('\n'),
  'config/app.yaml': [
    'services:',
    ...Array.from({ length: 60 }, (_, index) => `  service${index}:\n    image: registry.example.com/service${index}:1.${index}\n    replicas: ${index % 5}`),
    '',
  ].join('\n'),
  'scripts/deploy.sh': [
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    ...Array.from({ length: 80 }, (_, index) => `echo "deploying step ${index}" && ./step.sh --index ${index} --verbose`),
    '',
  ].join('\n'),
};

for (const [path, text] of Object.entries(TEXT_FILES)) {
  test(`${path} (no grammar) is split by lines with overlap`, async () => {
    const info = language(path);
    assert.equal(info.grammar, undefined);
    const chunks = await chunker.chunk(text, info);
    assert.ok(chunks.length > 3, `${chunks.length} chunks`);
    assertLineChunks(chunks, text, LIMITS.maxChars);
    if (!path.endsWith('.md')) {
      // No blank lines to cut at: neighbours share overlapLines lines, at most a quarter of the chunk.
      for (let index = 1; index < chunks.length; index++) {
        const previous = chunks[index - 1]!;
        const overlap = Math.min(LIMITS.overlapLines, Math.floor((previous.endLine - previous.startLine + 1) / 4));
        assert.ok(overlap > 0);
        assert.equal(chunks[index]!.startLine, previous.endLine + 1 - overlap);
      }
    }
  });
}

test('overlap never stalls, however large', async () => {
  const text = Array.from({ length: 200 }, (_, index) => `line ${index} with some words in it`).join('\n');
  for (const overlapLines of [0, 1, 5, 50, 1000]) {
    const chunks = await new Chunker({ limits: { maxChars: 120, overlapLines } }).chunk(text, language('notes.txt'));
    assert.ok(chunks.length < 200, `overlap ${overlapLines}: ${chunks.length} chunks`);
    assertLineChunks(chunks, text, 120);
    assert.equal(chunks.at(-1)!.endLine, 200);
  }
});

// ── odd files ───────────────────────────────────────────────────────────────

test('an empty or blank file gives no chunks', async () => {
  for (const text of ['', '\n', '   \n\n\t\n  ', '\r\n\r\n']) {
    for (const path of ['src/empty.ts', 'src/empty.py', 'README.md']) {
      for (const splitter of ['ast', 'langchain'] as const) {
        assert.deepEqual(await chunker.chunk(text, language(path), splitter), [], `${JSON.stringify(text)} ${path} ${splitter}`);
      }
    }
  }
});

test('a file without a final newline keeps its last line', async () => {
  const text = SAMPLES.go.text.trimEnd();
  for (const splitter of ['ast', 'langchain'] as const) {
    const chunks = await chunker.chunk(text, language(SAMPLES.go.path), splitter);
    const last = chunks.at(-1)!;
    assert.equal(last.endLine, linesOf(text).length);
    assert.ok(last.content.endsWith('\treturn drained\n}'));
    assertContentIsSource(chunks, text);
  }
});

test('CRLF files get the same line numbers and chunks as LF files', async () => {
  for (const sample of [SAMPLES.typescript, SAMPLES.python, SAMPLES.csharp]) {
    const crlf = sample.text.replace(/\n/g, '\r\n');
    for (const splitter of ['ast', 'langchain'] as const) {
      const lf = await chunker.chunk(sample.text, language(sample.path), splitter);
      assert.deepEqual(await chunker.chunk(crlf, language(sample.path), splitter), lf, `${sample.path} ${splitter}`);
    }
  }
  // A CR alone is not a line break (tree-sitter does not count it either).
  const text = 'const a = 1;\rconst b = 2;\nconst c = 3;\n';
  const chunks = await chunker.chunk(text, language('src/cr.ts'));
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.content]),
    [[1, 2, 'const a = 1;\rconst b = 2;\nconst c = 3;']],
  );
});

test('invalid syntax is chunked anyway, keeping the definitions tree-sitter recovers', async () => {
  const broken: Record<string, string> = {
    'src/broken.ts': 'function a( {\n  return 1;\n}\n\nclass {{{ \n\nfunction good() {\n  return 2;\n}\n',
    'src/broken.py': 'def a(:\n    return 1\n\n\ndef good():\n    return 2\n',
    'src/broken.go': 'package main\n\nfunc a( {\n\treturn\n}\n\nfunc good() int {\n\treturn 2\n}\n',
    'src/broken.rs': 'fn a( {\n    1\n}\n\nfn good() -> i32 {\n    2\n}\n',
  };
  for (const [path, text] of Object.entries(broken)) {
    const chunks = await chunker.chunk(text, language(path));
    assert.ok(chunks.length > 0, path);
    assertEachLineOnce(chunks, text);
    assertContentIsSource(chunks, text);
    assert.ok(symbolsOf(chunkHolding(chunks, lineOf(text, 'good('))).includes('good'), `${path}: ${JSON.stringify(chunks)}`);
  }
  // Pure noise still gives chunks.
  const noise = '}}}{{{ ((( ]]] ;;; \n'.repeat(100);
  const chunks = await chunker.chunk(noise, language('src/noise.ts'));
  assertEachLineOnce(chunks, noise);
  assertWithinLimit(chunks, LIMITS.maxChars);
});

test('binary-looking and non-ASCII text does not break chunking', async () => {
  const text = `// Ünïcödé 😀 комментарий\nconst s = "\u0000\u0001 ${'😀'.repeat(400)}";\nfunction ok() { return '日本語'; }\n`;
  const chunks = await chunker.chunk(text, language('src/unicode.ts'));
  assertWithinLimit(chunks, LIMITS.maxChars);
  assert.ok(symbolsOf(chunkHolding(chunks, 3)).includes('ok'));
  for (const chunk of chunks) assert.ok(!/[\uD800-\uDBFF]$/.test(chunk.content), 'no half surrogate pair at a cut');
  assert.equal(
    chunks
      .filter((chunk) => chunk.startLine === 2)
      .map((chunk) => chunk.content)
      .join(''),
    linesOf(text)[1],
  );
});

// ── robustness ──────────────────────────────────────────────────────────────

test('concurrent calls for different grammars each parse with their own', async () => {
  const pairs = [SAMPLES.python, SAMPLES.typescript, SAMPLES.go, SAMPLES.ruby];
  const alone = await Promise.all(pairs.map((sample) => new Chunker({ limits: LIMITS }).chunk(sample.text, language(sample.path))));
  const shared = new Chunker({ limits: LIMITS });
  for (let round = 0; round < 3; round++) {
    const together = await Promise.all(pairs.map((sample) => shared.chunk(sample.text, language(sample.path))));
    assert.deepEqual(together, alone, `round ${round}`);
  }
});

test('many chunkers in one process share the grammars they load', async () => {
  // Each grammar load takes megabytes of WASM memory that is never freed: a few
  // hundred loads used to exhaust it ("table index is out of bounds").
  const sample = SAMPLES.cpp;
  const expected = await chunker.chunk(sample.text, language(sample.path));
  for (let index = 0; index < 600; index++) {
    const chunks = await new Chunker({ limits: LIMITS }).chunk(sample.text, language(sample.path));
    if (index % 100 === 0) assert.deepEqual(chunks, expected);
  }
});

test('a grammar that cannot be loaded falls back to lines', async () => {
  const text = SAMPLES.typescript.text;
  const chunks = await chunker.chunk(text, { id: 'typescript', grammar: 'no-such-grammar' });
  assert.ok(chunks.length > 1);
  assertLineChunks(chunks, text, LIMITS.maxChars);
});

// ── generated cases ─────────────────────────────────────────────────────────

/**
 * What AST chunks satisfy for any text and limit: in line order, every line
 * in exactly one chunk except blank ones (a blank stretch cut off by lines
 * makes no chunk) and a line longer than the limit (several pieces of it).
 */
function assertPartition(chunks: Chunk[], text: string, maxChars: number): void {
  const lines = linesOf(text);
  let next = 1;
  let previous: Chunk | undefined;
  for (const chunk of chunks) {
    const piecesOfOneLine = previous && previous.startLine === previous.endLine && chunk.startLine === previous.startLine && chunk.endLine === chunk.startLine;
    if (!piecesOfOneLine) {
      assert.ok(chunk.startLine >= next, `chunk ${chunk.startLine}-${chunk.endLine} overlaps the one before`);
      const skipped = lines.slice(next - 1, chunk.startLine - 1);
      assert.ok(skipped.every((line) => !line.trim()), `lines ${next}-${chunk.startLine - 1} lost`);
    }
    const source = sourceLines(text, chunk.startLine, chunk.endLine);
    if (chunk.startLine === chunk.endLine) assert.ok(source.includes(chunk.content));
    else assert.equal(chunk.content, source);
    assert.ok(chunk.content.length <= maxChars, `${chunk.content.length} > ${maxChars}`);
    next = chunk.endLine + 1;
    previous = chunk;
  }
  assert.ok(lines.slice(next - 1).every((line) => !line.trim()), `lines from ${next} lost`);
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

test('any sample, cut anywhere and chunked at any limit, is partitioned (generated cases)', async () => {
  const next = random(7);
  const samples = Object.values(SAMPLES);
  for (let round = 0; round < 150; round++) {
    const sample = samples[round % samples.length]!;
    // Dropping lines at random makes syntax errors of every kind.
    const lines = linesOf(sample.text).filter(() => next() > 0.15);
    const text = lines.join('\n') + '\n';
    const maxChars = 30 + Math.floor(next() * 800);
    const limited = new Chunker({ limits: { maxChars, overlapLines: 2 } });
    assertPartition(await limited.chunk(text, language(sample.path)), text, maxChars);
  }
});
