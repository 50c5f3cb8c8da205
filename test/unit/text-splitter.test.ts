import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chunk, ChunkLimits } from '../../src/engine/chunk/chunk.ts';
import { splitText } from '../../src/engine/chunk/text-splitter.ts';

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function ranges(chunks: Chunk[]): number[][] {
  return chunks.map((chunk) => [chunk.startLine, chunk.endLine]);
}

/** What every split must satisfy, whatever the text and limits. */
function assertWellFormed(chunks: Chunk[], text: string, limits: ChunkLimits): void {
  const lines = linesOf(text);
  let previous: Chunk | undefined;
  for (const chunk of chunks) {
    assert.ok(chunk.startLine >= 1 && chunk.startLine <= chunk.endLine && chunk.endLine <= lines.length);
    assert.ok(chunk.content.length <= limits.maxChars, `${chunk.content.length} > ${limits.maxChars}`);
    assert.ok(chunk.content.trim().length > 0, 'no blank chunk');
    assert.equal(chunk.symbols, '');
    const source = lines.slice(chunk.startLine - 1, chunk.endLine).join('\n').replace(/\r$/, '');
    if (chunk.startLine === chunk.endLine) assert.ok(source.includes(chunk.content), 'a piece of its line');
    else assert.equal(chunk.content, source);
    if (previous) {
      // Forward progress: a later start, or the next piece of the same long line.
      const nextPiece = chunk.startLine === previous.startLine && chunk.endLine === chunk.startLine && previous.endLine === previous.startLine;
      assert.ok(chunk.startLine > previous.startLine || nextPiece, `stalled at ${chunk.startLine}`);
      assert.ok(chunk.startLine <= previous.endLine + 1 || lines.slice(previous.endLine, chunk.startLine - 1).every((line) => !line.trim()), 'skipped lines');
    }
    previous = chunk;
  }
  lines.forEach((line, index) => {
    if (line.trim()) assert.ok(chunks.some((chunk) => chunk.startLine <= index + 1 && index + 1 <= chunk.endLine), `line ${index + 1} lost`);
  });
}

test('empty and blank texts give no chunks', () => {
  const limits = { maxChars: 100, overlapLines: 2 };
  for (const text of ['', '\n', '\n\n\n', '  \t \n   \n', '\r\n']) assert.deepEqual(splitText(text, limits), [], JSON.stringify(text));
});

test('a text that fits is one chunk of all its lines', () => {
  const text = 'first line\nsecond line\n\nfourth line\n';
  assert.deepEqual(splitText(text, { maxChars: 100, overlapLines: 3 }), [
    { startLine: 1, endLine: 4, content: 'first line\nsecond line\n\nfourth line', symbols: '' },
  ]);
  // Without a final newline, the same.
  assert.deepEqual(ranges(splitText(text.trimEnd(), { maxChars: 100, overlapLines: 3 })), [[1, 4]]);
});

test('neighbours share overlapLines lines when no blank line offers a cut', () => {
  const text = Array.from({ length: 40 }, (_, index) => `line number ${String(index).padStart(2, '0')}`).join('\n');
  // Each line is 14 characters plus its newline: 10 lines make 150.
  const chunks = splitText(text, { maxChars: 150, overlapLines: 2 });
  assert.deepEqual(ranges(chunks), [
    [1, 10],
    [9, 18],
    [17, 26],
    [25, 34],
    [33, 40],
  ]);
  assertWellFormed(chunks, text, { maxChars: 150, overlapLines: 2 });
});

test('the overlap is at most a quarter of the chunk, so splitting always moves on', () => {
  const text = Array.from({ length: 40 }, (_, index) => `line number ${String(index).padStart(2, '0')}`).join('\n');
  const chunks = splitText(text, { maxChars: 120, overlapLines: 100 });
  // 8-line chunks share 2 lines.
  assert.deepEqual(ranges(chunks).slice(0, 3), [
    [1, 8],
    [7, 14],
    [13, 20],
  ]);
  // Chunks of one or two lines share none.
  const tiny = splitText(text, { maxChars: 20, overlapLines: 100 });
  assert.equal(tiny.length, 40);
  assertWellFormed(tiny, text, { maxChars: 20, overlapLines: 100 });
});

test('a blank line near the end of the window is preferred as the cut, without overlap', () => {
  const paragraph = (name: string): string => Array.from({ length: 4 }, (_, index) => `${name} sentence ${index}.`).join('\n');
  const text = [paragraph('alpha'), paragraph('beta'), paragraph('gamma'), paragraph('delta')].join('\n\n');
  // A window of about 12 lines holds two paragraphs and a half: the cut goes after the second.
  const chunks = splitText(text, { maxChars: 200, overlapLines: 3 });
  assert.deepEqual(ranges(chunks), [
    [1, 10],
    [11, 19],
  ]);
  assert.ok(chunks[0]!.content.endsWith('beta sentence 3.\n'));
  assert.ok(chunks[1]!.content.startsWith('gamma sentence 0.'));
});

test('a line longer than maxChars is cut between words', () => {
  const line = Array.from({ length: 3000 }, (_, index) => `word${index}`).join(' ');
  const text = `before\n${line}\nafter\n`;
  const limits = { maxChars: 500, overlapLines: 2 };
  const chunks = splitText(text, limits);
  assertWellFormed(chunks, text, limits);
  const pieces = chunks.filter((chunk) => chunk.startLine === 2);
  assert.ok(pieces.length > 20);
  assert.equal(pieces.map((chunk) => chunk.content).join(''), line);
  for (const piece of pieces.slice(0, -1)) {
    assert.ok(piece.content.length > 400, 'cuts are near the limit');
    assert.match(piece.content, / $/, 'cut after a space');
  }
  assert.deepEqual(ranges(chunks.filter((chunk) => chunk.startLine !== 2)), [
    [1, 1],
    [3, 3],
  ]);
});

test('a long line without separators is cut at the limit, never inside a surrogate pair', () => {
  const base64 = 'QUJD'.repeat(1000);
  const pieces = splitText(base64, { maxChars: 300, overlapLines: 0 });
  assert.deepEqual(
    pieces.map((piece) => piece.content.length),
    [...Array.from({ length: 13 }, () => 300), 100],
  );
  const emoji = '😀'.repeat(1000);
  const emojiPieces = splitText(emoji, { maxChars: 301, overlapLines: 0 });
  assert.equal(emojiPieces.map((piece) => piece.content).join(''), emoji);
  for (const piece of emojiPieces) {
    assert.ok(piece.content.length <= 301);
    assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(piece.content), 'half a pair at a cut');
  }
});

test('CRLF lines keep their numbers and lose the carriage return at the end of a chunk', () => {
  const text = 'one\r\ntwo\r\nthree\r\n';
  assert.deepEqual(splitText(text, { maxChars: 100, overlapLines: 0 }), [
    { startLine: 1, endLine: 3, content: 'one\r\ntwo\r\nthree', symbols: '' },
  ]);
  assert.deepEqual(
    splitText(text, { maxChars: 6, overlapLines: 0 }).map((chunk) => [chunk.startLine, chunk.content]),
    [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ],
  );
});

test('blank stretches make no chunk but do not stop the lines after them', () => {
  const text = `start\n${'\n'.repeat(50)}${' \t\n'.repeat(50)}end\n`;
  const chunks = splitText(text, { maxChars: 30, overlapLines: 1 });
  assert.deepEqual(
    chunks.map((chunk) => chunk.content.trim()),
    ['start', 'end'],
  );
  assert.equal(chunks.at(-1)!.endLine, 102);
});

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

test('any text and limits give well-formed chunks (generated cases)', () => {
  const next = random(42);
  for (let round = 0; round < 200; round++) {
    const lineCount = Math.floor(next() * 80);
    const lines = Array.from({ length: lineCount }, () => {
      const kind = next();
      if (kind < 0.15) return '';
      if (kind < 0.2) return '   ';
      if (kind < 0.25) return 'x'.repeat(Math.floor(next() * 600));
      return Array.from({ length: Math.floor(next() * 12) }, () => 'tok' + Math.floor(next() * 1000)).join(' ');
    });
    const text = lines.join(next() < 0.2 ? '\r\n' : '\n') + (next() < 0.5 ? '\n' : '');
    const limits = { maxChars: 10 + Math.floor(next() * 400), overlapLines: Math.floor(next() * 6) };
    assertWellFormed(splitText(text, limits), text, limits);
  }
});
