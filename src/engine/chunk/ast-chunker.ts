import type { Chunk, ChunkLimits } from './chunk.ts';
import type { SyntaxNode } from './grammars.ts';
import { LineIndex } from './lines.ts';
import { namesDefinedBy } from './syntax-names.ts';
import { splitText } from './text-splitter.ts';

/** A run of whole lines (0-based rows, inclusive) and the syntax nodes that end in it. */
interface Unit {
  first: number;
  last: number;
  nodes: SyntaxNode[];
  names: string[];
}

const MAX_DEPTH = 40;

/**
 * Chunks a parsed file at syntax boundaries. Every line belongs to exactly one
 * chunk: each top-level node takes the lines from the end of the previous one
 * to its own end (so leading comments stay with what they describe). A node
 * larger than `maxChars` is split at its children, recursively; neighbouring
 * small pieces are then merged up to `maxChars`.
 */
export function chunkSyntaxTree(root: SyntaxNode, text: string, limits: ChunkLimits): Chunk[] {
  const lines = new LineIndex(text);
  if (lines.lineCount === 0) return [];
  const units = splitUnits(root.children, 0, lines.lineCount - 1, lines, limits, 0);
  return mergeSmallUnits(units, lines, limits).flatMap((unit) => toChunks(unit, lines, limits));
}

function endRow(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** Units for `nodes` covering rows first..last, with oversized units split further. */
function splitUnits(
  nodes: (SyntaxNode | null)[],
  first: number,
  last: number,
  lines: LineIndex,
  limits: ChunkLimits,
  depth: number,
): Unit[] {
  const units = unitsCovering(nodes, first, last);
  const result: Unit[] = [];
  for (const unit of units) {
    const splittable = depth < MAX_DEPTH && unit.last > unit.first && lines.size(unit.first, unit.last) > limits.maxChars;
    const children = splittable ? unit.nodes.flatMap((node) => node.children) : [];
    if (children.length > 1) {
      const parts = splitUnits(children, unit.first, unit.last, lines, limits, depth + 1);
      // The container's own name (class Foo) goes with its first part.
      const ownNames = unit.names.slice(0, 1);
      if (parts[0]) parts[0].names.unshift(...ownNames.filter((name) => !parts[0]!.names.includes(name)));
      result.push(...parts);
    } else {
      result.push(unit);
    }
  }
  return result;
}

/** Assigns rows first..last to the nodes: each takes the rows up to its end. */
function unitsCovering(nodes: (SyntaxNode | null)[], first: number, last: number): Unit[] {
  const units: Unit[] = [];
  let next = first;
  for (const node of nodes) {
    if (!node) continue;
    const end = Math.min(endRow(node), last);
    const previous = units[units.length - 1];
    if (end < next) {
      // Ends on a row already taken (several nodes on one line): it joins that unit.
      if (previous && end >= previous.first) addNode(previous, node);
      continue;
    }
    const unit: Unit = { first: next, last: end, nodes: [], names: [] };
    addNode(unit, node);
    units.push(unit);
    next = end + 1;
  }
  const tail = units[units.length - 1];
  if (!tail) return [{ first, last, nodes: [], names: [] }];
  tail.last = last;
  return units;
}

function addNode(unit: Unit, node: SyntaxNode): void {
  unit.nodes.push(node);
  for (const name of namesDefinedBy(node)) if (!unit.names.includes(name)) unit.names.push(name);
}

/** Merges neighbours when the result fits and at least one of them is small. */
function mergeSmallUnits(units: Unit[], lines: LineIndex, limits: ChunkLimits): Unit[] {
  const small = limits.maxChars / 4;
  const merged: Unit[] = [];
  for (const unit of units) {
    const previous = merged[merged.length - 1];
    if (previous) {
      const previousSize = lines.size(previous.first, previous.last);
      const unitSize = lines.size(unit.first, unit.last);
      if (previousSize + unitSize <= limits.maxChars && (previousSize < small || unitSize < small)) {
        previous.last = unit.last;
        previous.nodes.push(...unit.nodes);
        for (const name of unit.names) if (!previous.names.includes(name)) previous.names.push(name);
        continue;
      }
    }
    merged.push({ ...unit, nodes: [...unit.nodes], names: [...unit.names] });
  }
  return merged;
}

/** A unit becomes one chunk, or several when it is a single huge leaf (a long literal, a minified line). */
function toChunks(unit: Unit, lines: LineIndex, limits: ChunkLimits): Chunk[] {
  const content = lines.slice(unit.first, unit.last);
  if (content.trim().length === 0) return [];
  const symbols = unit.names.join(' ');
  if (content.length <= limits.maxChars * 2) {
    return [{ startLine: unit.first + 1, endLine: unit.last + 1, content, symbols }];
  }
  return splitText(content, limits).map((piece, index) => ({
    startLine: piece.startLine + unit.first,
    endLine: piece.endLine + unit.first,
    content: piece.content,
    symbols: index === 0 ? symbols : '',
  }));
}
