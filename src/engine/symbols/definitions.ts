import type { SyntaxNode } from '../chunk/grammars.ts';
import type { CodeMarks } from './reference-scanner.ts';
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
const SLASH = 47;
const STAR = 42;
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
  /** Where, in code, the words a definition inside a body needs are (see `holds`). */
  private readonly marks: CodeMarks;
  private nesting = 0;

  constructor(visitor: LanguageVisitor, text: string, marks: CodeMarks) {
    this.visitor = visitor;
    this.text = text;
    this.marks = marks;
  }

  /**
   * Whether `node`'s code holds one of the language's definition words (found
   * by the reference scan, comments and strings excluded), or with `arrows` a
   * `=>`: a cheap test before walking into a function body or an expression.
   */
  holds(node: SyntaxNode, arrows = false): boolean {
    return spans(this.marks.words, node) || (arrows && spans(this.marks.arrows, node));
  }

  /**
   * Records a definition named by `nameNode` (or `name`), spanning `extent`.
   * Returns the name, for the scope of its members, or undefined when the node
   * has no usable name (an anonymous class, a computed key).
   */
  add(kind: SymbolKind, nameNode: SyntaxNode | null | undefined, extent: SyntaxNode, scope: Scope, text = nameNode ? this.text.slice(nameNode.startIndex, nameNode.endIndex) : undefined): string | undefined {
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
      for (const child of node.namedChildren) if (child && !this.isComment(child)) this.visitor(child, scope, this);
    } finally {
      this.nesting--;
    }
  }

  /**
   * `//…` and `/* … *\/` comments, told from the text (no call into the
   * parser): they are a good part of the nodes a walk meets, and define nothing.
   */
  private isComment(node: SyntaxNode): boolean {
    const text = this.text;
    const start = node.startIndex;
    if (text.charCodeAt(start) !== SLASH) return false;
    const next = text.charCodeAt(start + 1);
    return next === SLASH || next === STAR;
  }
}

/** Whether a mark (sorted offsets) lies inside `node`. */
function spans(marks: readonly number[], node: SyntaxNode): boolean {
  const start = node.startIndex;
  // The first mark at or after the node's start.
  let low = 0;
  let high = marks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (marks[middle]! < start) low = middle + 1;
    else high = middle;
  }
  return low < marks.length && marks[low]! < node.endIndex;
}

/** The scope inside a definition named `name` (or the enclosing one's, when it has none). */
export function inside(name: string | undefined, scope: Scope, kind: Scope['in']): Scope {
  return { container: name ?? scope.container, in: kind };
}

const PLAIN_NAME = /^[A-Za-z_$][\w$]*$/;

function isUsableName(name: string | undefined): name is string {
  if (name === undefined || name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  return PLAIN_NAME.test(name) || (!/\s/.test(name) && /[\p{L}\p{N}_$]/u.test(name));
}

/** The last row a node occupies; a node ending right after a newline ends on the line before. */
function endRow(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}
