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

/** A run of lines that needs no further split, with the names defined in it. */
interface Piece {
  first: number;
  last: number;
  names: string[];
  /** A header (`function f() {`, `class A:`) that belongs with the piece after it. */
  glued: boolean;
}

/** Where in the tree a split happens. */
interface Scope {
  /** Inside a function body, where local variables are not worth naming. */
  readonly local: boolean;
  readonly depth: number;
  /** Names of split containers (class Foo), each to go with the piece holding its first row. */
  readonly heads: readonly Head[];
}

interface Head {
  readonly name: string;
  readonly row: number;
}

/** What every step of one file's split needs. */
interface Context {
  readonly lines: LineIndex;
  readonly maxChars: number;
  /** Output: pieces in line order, covering every line once. */
  readonly pieces: Piece[];
}

/**
 * How deep splitting follows the tree. Each level goes one node down, so this
 * bounds the recursion (a 500-branch else-if chain nests 500 deep), not the
 * quality: what is still too big there is cut by lines.
 */
const MAX_DEPTH = 256;

/**
 * Chunks a parsed file at syntax boundaries. Every line belongs to exactly one
 * chunk: each top-level node takes the lines from the end of the previous one
 * to its own end (so comments above a definition go with it). A node larger
 * than `maxChars` is split at its children, recursively, its header
 * (`class A {`, a signature) staying with what follows; neighbouring small
 * pieces are then merged up to `maxChars`. What cannot be split at syntax (a
 * long string or comment, a minified line) is cut by lines, without overlap,
 * and a single huge line into pieces of that line.
 */
export function chunkSyntaxTree(root: SyntaxNode, text: string, limits: ChunkLimits): Chunk[] {
  const lines = new LineIndex(text);
  const context: Context = { lines, maxChars: limits.maxChars, pieces: [] };
  splitNodes([root], 0, lines.lineCount - 1, { local: false, depth: 0, heads: [] }, context);
  const pieces = mergeSmallPieces(moveBlankLinesBack(context.pieces, lines), context);
  const noOverlap: ChunkLimits = { maxChars: limits.maxChars, overlapLines: 0 };
  return pieces.flatMap((piece) => toChunks(piece, lines, noOverlap));
}

/**
 * Adds pieces for the children of `parents`, which together cover rows
 * first..last, splitting oversized ones at their own children.
 */
function splitNodes(parents: SyntaxNode[], first: number, last: number, scope: Scope, context: Context): void {
  const units = unitsCovering(childrenOf(parents), first, last, context);
  const header = scope.depth > 0 ? headerLength(units, parents, context) : 0;
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]!;
    const heads = scope.heads.filter((head) => head.row >= unit.first && head.row <= unit.last);
    // The body after a header is split when the two do not fit together, so that the header can join its start.
    const from = index === header && header > 0 ? units[0]!.first : unit.first;
    if (scope.depth < MAX_DEPTH && isOversized(from, unit.last, context) && isSplittable(unit)) {
      const inner: Scope = {
        local: scope.local || unit.nodes.some(isFunctionLike),
        depth: scope.depth + 1,
        heads: [...heads, ...ownNames(unit, scope.local)],
      };
      splitNodes(unit.nodes, unit.first, unit.last, inner, context);
      continue;
    }
    const names = unique([...heads.map((head) => head.name), ...memberNames(unit.nodes, scope.local)]);
    context.pieces.push({ first: unit.first, last: unit.last, names, glued: index < header });
  }
}

/**
 * How many units at the start of a split node are its header (`class A
 * extends B {`, a signature, a doc comment): those before its largest part,
 * when that part is a field of the node (its body, value, declaration…) and
 * they are not too big. A list (a block's statements, a class's members) has
 * no header: each of its items stands alone.
 */
function headerLength(units: Unit[], parents: SyntaxNode[], context: Context): number {
  let largest = 0;
  let largestSize = -1;
  units.forEach((unit, index) => {
    const size = context.lines.size(unit.first, unit.last);
    if (size > largestSize) [largest, largestSize] = [index, size];
  });
  if (largest === 0 || context.lines.size(units[0]!.first, units[largest]!.first - 1) > context.maxChars / 2) return 0;
  const body = units[largest]!.nodes[0];
  return body && isField(body, parents) ? largest : 0;
}

/**
 * Whether `node` is a named field (body, value…) of one of `parents`, rather
 * than an item of a list (a statement; a class member, which some grammars
 * also give a field, repeated for each).
 */
function isField(node: SyntaxNode, parents: SyntaxNode[]): boolean {
  for (const parent of parents) {
    // The same objects: splitNodes took the children from these parents' (cached) `children`.
    const index = parent.children.indexOf(node);
    if (index === -1) continue;
    const field = parent.fieldNameForChild(index);
    return field !== null && parent.childrenForFieldName(field).length === 1;
  }
  return false;
}

function isOversized(first: number, last: number, context: Context): boolean {
  return last > first && context.lines.size(first, last) > context.maxChars;
}

/** Whether a unit can be split: it has more than one line (to cut between) and child nodes (to cut at). */
function isSplittable(unit: Unit): boolean {
  return unit.last > unit.first && unit.nodes.some((node) => node.childCount > 0);
}

function childrenOf(parents: SyntaxNode[]): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (const parent of parents) {
    for (const child of parent.children) if (child) children.push(child);
  }
  return children;
}

/**
 * Assigns rows first..last to the nodes: each takes the rows from the end of
 * the previous unit to its own end, the last one also the rows after it.
 * A comment or attribute directly above a node is left for that node.
 */
function unitsCovering(nodes: SyntaxNode[], first: number, last: number, context: Context): Unit[] {
  const units: Unit[] = [];
  let next = first;
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    const end = Math.min(endRow(node), last);
    if (end < next) {
      // Ends on a row already taken (several nodes on one line): it joins that unit.
      const previous = units[units.length - 1];
      if (previous && end >= previous.first) previous.nodes.push(node);
      continue;
    }
    if (leadsInto(node, end, nodes[index + 1], context)) continue;
    units.push({ first: next, last: end, nodes: [node] });
    next = end + 1;
  }
  const tail = units[units.length - 1];
  if (!tail) return [{ first, last, nodes: [] }];
  tail.last = last;
  return units;
}

/**
 * Whether `node` is a comment or attribute that belongs to `following`, which
 * starts on its next line. Not a long one (a licence): left apart, it can be
 * cut by lines on its own, while `following` keeps its own chunk and name.
 */
function leadsInto(node: SyntaxNode, end: number, following: SyntaxNode | undefined, context: Context): boolean {
  return (
    !!following &&
    following.startPosition.row <= end + 1 &&
    isLeadingTrivia(node) &&
    context.lines.size(node.startPosition.row, end) <= context.maxChars / 2
  );
}

/** The last row a node occupies; a node ending right after a newline ends on the line before. */
function endRow(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** Names of definitions among a unit's nodes that are about to be split (their members get their own pieces). */
function ownNames(unit: Unit, local: boolean): Head[] {
  const heads: Head[] = [];
  for (const node of unit.nodes) {
    const name = nameDefinedBy(node, local);
    // A node may start on the previous unit's last row (`a(); function b() {`): its name goes in this one.
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

/** A piece while merging; `opens` when it starts with a header, so at the start of a container. */
type MergedPiece = Piece & { opens: boolean };

/** Merges neighbours when the result fits and one of them is small, or the first is a header. */
function mergeSmallPieces(pieces: Piece[], context: Context): Piece[] {
  const { lines, maxChars } = context;
  const sizes = pieces.map((piece) => lines.size(piece.first, piece.last));
  const merged: MergedPiece[] = [];
  let previousSize = 0;
  pieces.forEach((piece, index) => {
    const size = sizes[index]!;
    const nextSize = sizes[index + 1] ?? Infinity;
    // A header too big to join what follows is left to the usual rule.
    const glued = piece.glued && size + nextSize <= maxChars;
    const previous = merged[merged.length - 1];
    if (previous && joinsPrevious(previous, previousSize, size, glued ? nextSize : undefined, maxChars)) {
      previous.last = piece.last;
      previous.names = unique([...previous.names, ...piece.names]);
      previous.glued = glued;
      previousSize += size;
      return;
    }
    merged.push({ ...piece, glued, opens: glued });
    previousSize = size;
  });
  return merged;
}

/**
 * Whether a piece of `size` joins the merged piece before it. `gluedTo` is,
 * for a header, the size of the piece it must stay with. A chunk must not end
 * with the start of something else, so a header joins the piece before only
 * if that is no more than the small start of its container (`impl A {` then
 * `fn b() {`), and only if what follows the header fits as well.
 */
function joinsPrevious(previous: MergedPiece, previousSize: number, size: number, gluedTo: number | undefined, maxChars: number): boolean {
  if (previousSize + size > maxChars) return false;
  if (previous.glued) return true;
  const small = maxChars / 4;
  if (gluedTo === undefined) return previousSize < small || size < small;
  return previous.opens && previousSize < small && previousSize + size + gluedTo <= maxChars;
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
