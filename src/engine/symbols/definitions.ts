import type { SyntaxNode } from '../chunk/grammars.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';

/** Where in a file a node stands. */
export interface Scope {
  /** The name of the enclosing definition (class, module, namespace, impl, function), if any. */
  readonly container: string | undefined;
  /** A module (the file, a namespace), a type's body (functions are methods) or a function's body (locals). */
  readonly in: 'module' | 'type' | 'function';
}

/** Walks one kind of syntax tree, recording what each node defines. */
export type LanguageVisitor = (node: SyntaxNode, scope: Scope, out: DefinitionCollector) => void;

export const FILE_SCOPE: Scope = { container: undefined, in: 'module' };

/** Names longer than this are not names (a minified blob, a generated key). */
const MAX_NAME_LENGTH = 120;
/**
 * How deep definitions nest (a class in a namespace in a module…). Deeper
 * trees are generated code; the bound also bounds the recursion.
 */
const MAX_NESTING = 48;

/**
 * Collects the definitions of one file. Language visitors call `add` for what
 * a node defines and `visit` for the nodes that may hold more (a class body, a
 * namespace); they never walk expressions, so a file costs a walk of its
 * declarations, not of its whole tree.
 */
export class DefinitionCollector {
  readonly definitions: SymbolDefinition[] = [];
  /** The file's text (LF line endings), as parsed. */
  readonly text: string;
  private readonly visitor: LanguageVisitor;
  private nesting = 0;
  private readonly wordOffsets = new Map<RegExp, number[]>();

  constructor(visitor: LanguageVisitor, text: string) {
    this.visitor = visitor;
    this.text = text;
  }

  /**
   * Whether `node`'s text holds a match of `words` (a global regex), found
   * with one scan of the file: a cheap test before walking into a subtree.
   */
  holds(node: SyntaxNode, words: RegExp): boolean {
    let offsets = this.wordOffsets.get(words);
    if (!offsets) {
      offsets = [];
      words.lastIndex = 0;
      for (let match = words.exec(this.text); match; match = words.exec(this.text)) offsets.push(match.index);
      this.wordOffsets.set(words, offsets);
    }
    const start = node.startIndex;
    // The first offset at or after the node's start.
    let low = 0;
    let high = offsets.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (offsets[middle]! < start) low = middle + 1;
      else high = middle;
    }
    return low < offsets.length && offsets[low]! < node.endIndex;
  }

  /**
   * Records a definition named by `nameNode` (or `name`), spanning `extent`.
   * Returns the name, for the scope of its members, or undefined when the node
   * has no usable name (an anonymous class, a computed key).
   */
  add(kind: SymbolKind, nameNode: SyntaxNode | null | undefined, extent: SyntaxNode, scope: Scope, text = nameNode?.text): string | undefined {
    // `#field` (a JavaScript private name) is found by its name, as ctags reports it.
    const name = text?.startsWith('#') ? text.slice(1) : text;
    if (!nameNode || !isUsableName(name)) return undefined;
    const line = nameNode.startPosition.row + 1;
    const startLine = Math.min(line, extent.startPosition.row + 1);
    const definition: SymbolDefinition = {
      name,
      kind: kind === 'function' && scope.in === 'type' ? 'method' : kind,
      ...(scope.container !== undefined ? { container: scope.container } : {}),
      line,
      startLine,
      endLine: Math.max(line, endRow(extent) + 1),
    };
    this.definitions.push(definition);
    return name;
  }

  /** Visits each named child of `node` in `scope`. */
  visit(node: SyntaxNode | null | undefined, scope: Scope): void {
    if (!node || this.nesting >= MAX_NESTING) return;
    this.nesting++;
    try {
      for (const child of node.namedChildren) if (child) this.visitor(child, scope, this);
    } finally {
      this.nesting--;
    }
  }

  /** Visits `node` itself (a wrapper's inner declaration) in `scope`. */
  visitNode(node: SyntaxNode | null | undefined, scope: Scope): void {
    if (node) this.visitor(node, scope, this);
  }
}

/** The scope inside a definition named `name` (or the enclosing one's, when it has none). */
export function inside(name: string | undefined, scope: Scope, kind: Scope['in']): Scope {
  return { container: name ?? scope.container, in: kind };
}

function isUsableName(name: string | undefined): name is string {
  return name !== undefined && name.length > 0 && name.length <= MAX_NAME_LENGTH && !/\s/.test(name) && /[\p{L}\p{N}_$]/u.test(name);
}

/** The last row a node occupies; a node ending right after a newline ends on the line before. */
function endRow(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}
