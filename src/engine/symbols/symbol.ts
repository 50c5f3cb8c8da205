/** What the symbol table holds for one file: its definitions and the identifiers it uses. */

/** The kinds of definition Baton records, across every language. */
export const SYMBOL_KINDS = [
  'function',
  'method',
  'class',
  'interface',
  'trait',
  'struct',
  'enum',
  'type',
  'module',
  'namespace',
  'constant',
  'variable',
] as const;

export type SymbolKind = (typeof SYMBOL_KINDS)[number];

/** One definition. Lines are 1-based and inclusive. */
export interface SymbolDefinition {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The enclosing class, module, namespace, impl or function, when there is one. */
  readonly container?: string | undefined;
  /** The line of the name: where the definition is reported (as ctags does). */
  readonly line: number;
  /** The definition's extent, decorators and modifiers included. */
  readonly startLine: number;
  readonly endLine: number;
}

/** A file's symbols: definitions in source order, and for each identifier it uses, the lines (ascending). */
export interface FileSymbols {
  readonly definitions: readonly SymbolDefinition[];
  readonly references: ReadonlyMap<string, readonly number[]>;
}

export function isSymbolKind(value: string): value is SymbolKind {
  return (SYMBOL_KINDS as readonly string[]).includes(value);
}
