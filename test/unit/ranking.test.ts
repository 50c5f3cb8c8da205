import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileRole } from '../../src/protocol/roles.ts';
import { DEFAULT_DIVERSITY, diversify, pieceContent } from '../../src/engine/search/diversify.ts';
import { definitionMatch, identifierCandidates, nameMatcher, spelledNames } from '../../src/engine/search/identifiers.ts';
import { analyzeQuery } from '../../src/engine/search/query-analysis.ts';
import { rolePrior } from '../../src/engine/search/role-prior.ts';
import { DEFAULT_RANKING, rankFiles, type ScoredChunk } from '../../src/engine/search/scoring.ts';
import { lightStem } from '../../src/engine/search/stemming.ts';
import type { ChunkCandidate } from '../../src/engine/store/index-store.ts';

test('prose reaches identifiers: neighbouring words are joined into names', () => {
  const names = identifierCandidates(['streamable', 'HTTP', 'client', 'transport']);
  for (const name of ['streamablehttpclienttransport', 'streamablehttpclient', 'httpclienttransport', 'clienttransport']) assert.ok(names.has(name), name);
  assert.ok(!names.has('streamable'), 'a plain word alone is not a name');
  assert.ok(identifierCandidates(['JsonReader', 'fails']).has('jsonreader'), 'an identifier-shaped word is one');
  const spelled = spelledNames('ignore meta-property names in `id-denylist`; see `Layout/FirstArgumentIndentation` and `lib/linter/index.js`');
  for (const name of ['iddenylist', 'metaproperty', 'firstargumentindentation', 'layoutfirstargumentindentation', 'index']) assert.ok(spelled.has(name), name);
  assert.ok(!spelled.has('js'), 'extensions name nothing');
});

test('light stemming meets word forms without touching short words', () => {
  for (const group of [['retry', 'retries', 'retrying', 'retried'], ['parse', 'parses', 'parsed', 'parsing'], ['header', 'headers'], ['match', 'matches']]) {
    assert.equal(new Set(group.map(lightStem)).size, 1, group.join());
  }
  for (const word of ['ssl', 'bus', 'is', 'status', 'class']) assert.equal(lightStem(word), word);
});

test('a defined name the query spells matches fully; one that only shares words, less; others not at all', () => {
  const query = analyzeQuery('preserve custom Accept headers in StreamableHTTPClientTransport');
  const matches = nameMatcher(query.identifiers, query.stems);
  assert.equal(definitionMatch('StreamableHTTPClientTransport send', matches), 1);
  const partial = definitionMatch('StreamableHTTPServerTransport', matches);
  assert.ok(partial > 0 && partial < 1, `partial ${partial}`);
  assert.ok(definitionMatch('acceptHeaders', matches) > partial, 'all parts among the words');
  assert.equal(definitionMatch('parseConfig', matches), 0);
  assert.equal(definitionMatch('', matches), 0);
});

test('query words ask for roles; "config" does not ask for configuration files', () => {
  assert.deepEqual([...analyzeQuery('add tests for the tokenizer').askedRoles], ['test']);
  assert.deepEqual([...analyzeQuery('where is the config parsed').askedRoles], []);
  assert.deepEqual([...analyzeQuery('document the retry option in the README').askedRoles].sort(), ['docs']);
  assert.deepEqual([...analyzeQuery('update the release notes').askedRoles], ['changelog']);
  const lifted = rolePrior(new Set<FileRole>(['test']));
  assert.ok(lifted('test') > lifted('source'), 'the role asked for ranks first');
  const plain = rolePrior(new Set());
  for (const role of ['test', 'docs', 'changelog', 'generated', 'example', 'config'] as const) assert.ok(plain(role) < plain('source'), role);
  const restricted = rolePrior(new Set(), ['source', 'test']);
  assert.equal(restricted('test'), restricted('source'), 'roles a caller chose weigh alike');
});

/** A deterministic pseudo-random source (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function candidate(fileId: number, startLine: number, endLine: number, role: FileRole = 'source'): ChunkCandidate {
  return { chunkId: fileId * 1000 + startLine, fileId, path: `src/file${fileId}.ts`, language: 'typescript', startLine, endLine, symbols: '', role, bm25: -1 };
}

/** Random scored chunks: some files with one chunk, some with many, some of them neighbours. */
function randomChunks(next: () => number): ScoredChunk[] {
  const chunks: ScoredChunk[] = [];
  const files = 1 + Math.floor(next() * 25);
  for (let fileId = 1; fileId <= files; fileId++) {
    let line = 1;
    const count = 1 + Math.floor(next() * (next() < 0.3 ? 12 : 3));
    for (let index = 0; index < count; index++) {
      if (next() < 0.5) line += 1 + Math.floor(next() * 30); // a gap: not a neighbour
      const length = 1 + Math.floor(next() * 20);
      const score = Math.round(next() * 1000) / 1000;
      chunks.push({ candidate: candidate(fileId, line, line + length - 1), relevance: score, score });
      line += length;
    }
  }
  return chunks;
}

test('diversification keeps the ranking stable (generated cases)', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const chunks = randomChunks(random(seed));
    const files = rankFiles(chunks, DEFAULT_RANKING);
    const pieces = diversify(files);
    const label = `seed ${seed}`;
    // Nothing is lost or repeated: every chunk is in exactly one piece.
    const placed = pieces.flatMap((piece) => piece.chunks.map((chunk) => chunk.chunkId)).sort((a, b) => a - b);
    assert.deepEqual(placed, chunks.map((chunk) => chunk.candidate.chunkId).sort((a, b) => a - b), label);
    // Files appear in the order of their scores, the best file's best place first.
    const firstAppearance = [...new Set(pieces.map((piece) => piece.fileId))];
    assert.deepEqual(firstAppearance, files.map((file) => file.fileId), label);
    if (files[0]) assert.ok(pieces[0]!.chunks.includes(files[0].chunks[0]!.candidate), label);
    // The first page names many files: at most 2 places per file, and ≥ 7 files when there are.
    const page = pieces.slice(0, DEFAULT_DIVERSITY.page);
    const perFile = new Map<number, number>();
    for (const piece of page) perFile.set(piece.fileId, (perFile.get(piece.fileId) ?? 0) + 1);
    const distinct = perFile.size;
    if (files.length >= 7) {
      assert.ok(distinct >= 7, `${label}: ${distinct} files on the first page`);
      assert.ok([...perFile.values()].every((count) => count <= DEFAULT_DIVERSITY.perFile), label);
    } else {
      assert.equal(distinct, files.length, label);
    }
    // A piece is neighbouring chunks of one file, in line order.
    for (const piece of pieces) {
      for (let index = 1; index < piece.chunks.length; index++) {
        assert.ok(piece.chunks[index]!.startLine <= piece.chunks[index - 1]!.endLine + 1, label);
        assert.equal(piece.chunks[index]!.fileId, piece.fileId, label);
      }
      assert.ok(piece.chunks.length <= DEFAULT_DIVERSITY.maxJoined, label);
    }
    // The same input gives the same order, whatever order the chunks came in.
    const again = diversify(rankFiles([...chunks].reverse(), DEFAULT_RANKING));
    assert.deepEqual(again.map((piece) => [piece.fileId, piece.startLine]), pieces.map((piece) => [piece.fileId, piece.startLine]), label);
  }
});

test('neighbouring chunks become one answer with their lines joined once', () => {
  const first = candidate(1, 1, 3);
  const second = candidate(1, 4, 6);
  const overlapping = candidate(1, 5, 8); // the line splitter's chunks share lines
  const apart = candidate(1, 20, 22);
  const chunks = [first, second, overlapping, apart].map((chunk, index) => ({ candidate: chunk, relevance: 1 - index / 10, score: 1 - index / 10 }));
  const pieces = diversify(rankFiles(chunks, DEFAULT_RANKING));
  assert.deepEqual(pieces.map((piece) => [piece.startLine, piece.endLine]), [[1, 8], [20, 22]]);
  const contents = new Map([
    [first.chunkId, 'a\nb\nc'],
    [second.chunkId, 'd\ne\nf'],
    [overlapping.chunkId, 'e\nf\ng\nh'],
  ]);
  assert.equal(pieceContent(pieces[0]!, contents), 'a\nb\nc\nd\ne\nf\ng\nh');
  const testCode = diversify(rankFiles([first, candidate(1, 4, 6, 'test')].map((chunk) => ({ candidate: chunk, relevance: 1, score: 1 })), DEFAULT_RANKING));
  assert.equal(testCode.length, 2, 'code and the test module after it stay apart');
  const weakNeighbour = diversify(
    rankFiles(
      [
        { candidate: first, relevance: 1, score: 1 },
        { candidate: second, relevance: 0.2, score: 0.2 },
      ],
      DEFAULT_RANKING,
    ),
  );
  assert.deepEqual(weakNeighbour.map((piece) => [piece.startLine, piece.endLine]), [[1, 3], [4, 6]], 'a neighbour that barely matches is a place of its own');
});
