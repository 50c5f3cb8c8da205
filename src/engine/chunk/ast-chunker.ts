import type { Chunk, ChunkLimits } from './chunk.ts';
import type { SyntaxNode } from './grammars.ts';
import { LineIndex } from './lines.ts';
import { isFunctionLike, isLeadingTrivia, nameDefinedBy, namesDefinedBy } from './syntax-names.ts';
import { splitRows } from './text-splitter.ts';

/** A run of whole lines (0-based rows, inclusive) and the syntax nodes that end in it. */
interface Unit {
  first: number;
  last: number;
  nodes: SyntaxNode[];
}

/** A run of lines that is final in size, with the names defined in it. */
interface Piece {
  first: number;
  last: number;
  names: string[];
}

/** What every step of one file's split needs. */
interface Context {
  readonly lines: LineIndex;
  readonly maxChars: number;
  readonly pieces: Piece[];
}

/**
 * How deep splitting follows the tree. Each level peels at least one node, so
 * this bounds the recursion (a 500-branch else-if chain nests 500 deep), not
 * the quality: what is still too big there is cut by lines.
 */
const MAX_DEPTH = 256;

/**
 * Chunks a parsed file at syntax boundaries. Every line belongs to exactly one
 * chunk: each top-level node takes the lines from the end of the previous one
 * to its own end (so blank lines and comments before a definition go with it).
 * A node larger than `maxChars` is split at its children, recursively;
 * neighbouring small pieces are then merged up to `maxChars`. What cannot be
 * split at syntax (a long string or comment, a minified line) is cut by lines,
 * without overlap, and a single huge line into pieces of that line.
 */
export function chunkSyntaxTree(root: SyntaxNode, text: string, limits: ChunkLimits): Chunk[] {
  const lines = new LineIndex(text);
  const context: Context = { lines, maxChars: limits.maxChars, pieces: [] };
  splitNodes(root.children, 0, lines.lineCount - 1, { local: false, depth: 0, heads: [] }, context);
  const noOverlap = { maxChars: limits.maxChars, overlapLines: 0 };
  const pieces = moveBlankLinesBack(context.pieces, lines);
  return mergeSmallPieces(pieces, context).flatMap((piece) => toChunks(piece, lines, noOverlap));
}

/** Where in the tree a split happens. */
interface Scope {
  /** Inside a function body, where local variables are not worth naming. */
  readonly local: boolean;
  readonly depth: number;
  /** Names of split containers (class Foo), each to go with the piece holding its first row. */
  readonly heads: Head[];
}

interface Head {
  readonly name: string;
  readonly row: number;
}

/** Adds pieces for `nodes`, which cover rows first..last, splitting oversized ones at their children. */
function splitNodes(nodes: (SyntaxNode | null)[], first: number, last: number, scope: Scope, context: Context): void {
  const units = unitsCovering(nodes, first, last);
  for (const unit of units) {
    const heads = scope.heads.filter((head) => head.row >= unit.first && head.row <= unit.last);
    if (scope.depth < MAX_DEPTH && isOversized(unit, context)) {
      const children = unit.nodes.flatMap((node) => node.children);
      if (children.length > 0) {
        const inner: Scope = {
          local: scope.local || unit.nodes.some(isFunctionLike),
          depth: scope.depth + 1,
          heads: [...heads, ...ownNames(unit, scope.local)],
        };
        splitNodes(children, unit.first, unit.last, inner, context);
        continue;
      }
    }
    const names = [...heads.map((head) => head.name), ...memberNames(unit.nodes, scope.local)];
    context.pieces.push({ first: unit.first, last: unit.last, names: unique(names) });
  }
}

function isOversized(unit: Unit, context: Context): boolean {
  return unit.last > unit.first && context.lines.size(unit.first, unit.last) > context.maxChars;
}

/**
 * Assigns rows first..last to the nodes: each takes the rows from the end of
 * the previous unit to its own end, the last one also the rows after it.
 * A comment or attribute directly above a node is left for that node.
 */
function unitsCovering(nodes: (SyntaxNode | null)[], first: number, last: number): Unit[] {
  const units: Unit[] = [];
  let next = first;
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index];
    if (!node) continue;
    const end = Math.min(endRow(node), last);
    if (end < next) {
      // Ends on a row already taken (several nodes on one line): it joins that unit.
      const previous = units[units.length - 1];
      if (previous && end >= previous.first) previous.nodes.push(node);
      continue;
    }
    if (leadsInto(node, end, nodes[index + 1])) continue;
    units.push({ first: next, last: end, nodes: [node] });
    next = end + 1;
  }
  const tail = units[units.length - 1];
  if (!tail) return [{ first, last, nodes: [] }];
  tail.last = last;
  return units;
}

/** Whether `node` is a comment or attribute that belongs to `following`, starting on its next line. */
function leadsInto(node: SyntaxNode, end: number, following: SyntaxNode | null | undefined): boolean {
  return !!following && following.startPosition.row <= end + 1 && isLeadingTrivia(node);
}

/** The last row a node occupies; a node ending right after a newline ends on the line before. */
function endRow(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** Names of definitions among `nodes` that are about to be split (their members get their own pieces). */
function ownNames(unit: Unit, local: boolean): Head[] {
  const heads: Head[] = [];
  for (const node of unit.nodes) {
    const name = nameDefinedBy(node, local);
    // A node may start on a row of the previous unit (`a(); function b() {`): it is in this one.
    if (name) heads.push({ name, row: Math.max(node.startPosition.row, unit.first) });
  }
  return heads;
}

function memberNames(nodes: SyntaxNode[], local: boolean): string[] {
  return nodes.flatMap((node) => namesDefinedBy(node, local));
}

function unique(names: string[]): string[] {
  return names.length < 2 ? names : [...new Set(names)];
}

/**
 * Gives blank lines at the start of a piece to the piece before, so that a
 * chunk starts at its code (or the comment above it), where a search result
 * should point.
 */
function moveBlankLinesBack(pieces: Piece[], lines: LineIndex): Piece[] {
  const kept: Piece[] = [];
  for (const piece of pieces) {
    const previous = kept[kept.length - 1];
    if (previous) {
      while (piece.first <= piece.last && lines.isBlank(piece.first)) piece.first++;
      previous.last = piece.first - 1;
      if (piece.first > piece.last) {
        previous.names = unique([...previous.names, ...piece.names]);
        continue;
      }
    }
    kept.push(piece);
  }
  return kept;
}

/** Merges neighbours when the result fits and at least one of them is small. */
function mergeSmallPieces(pieces: Piece[], context: Context): Piece[] {
  const small = context.maxChars / 4;
  const merged: Piece[] = [];
  let previousSize = 0;
  for (const piece of pieces) {
    const size = context.lines.size(piece.first, piece.last);
    const previous = merged[merged.length - 1];
    if (previous && previousSize + size <= context.maxChars && (previousSize < small || size < small)) {
      previous.last = piece.last;
      previous.names = unique([...previous.names, ...piece.names]);
      previousSize += size;
      continue;
    }
    merged.push({ ...piece });
    previousSize = size;
  }
  return merged;
}

/** A piece becomes one chunk, or several when it could not be split at syntax (a long literal, a minified line). */
function toChunks(piece: Piece, lines: LineIndex, limits: ChunkLimits): Chunk[] {
  const symbols = piece.names.join(' ');
  if (lines.size(piece.first, piece.last) - 1 <= limits.maxChars) {
    const content = lines.slice(piece.first, piece.last);
    return content.trim().length > 0 ? [{ startLine: piece.first + 1, endLine: piece.last + 1, content, symbols }] : [];
  }
  return splitRows(lines, piece.first, piece.last, limits).map((chunk, index) => (index === 0 ? { ...chunk, symbols } : chunk));
}
