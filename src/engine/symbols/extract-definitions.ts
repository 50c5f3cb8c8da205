import type { SyntaxNode } from '../chunk/grammars.ts';
import { DefinitionCollector, FILE_SCOPE, type LanguageVisitor } from './definitions.ts';
import { visitCFamily } from './languages/c-family.ts';
import { visitCSharp, visitCSharpFile } from './languages/csharp.ts';
import { visitGo } from './languages/go.ts';
import { visitJava } from './languages/java.ts';
import { visitJavaScript } from './languages/javascript.ts';
import { visitPhp, visitPhpFile } from './languages/php.ts';
import { visitPython } from './languages/python.ts';
import { visitRuby } from './languages/ruby.ts';
import { visitRust } from './languages/rust.ts';
import type { SymbolDefinition } from './symbol.ts';

interface LanguageWalker {
  readonly visit: LanguageVisitor;
  /** Walks the file's top level itself (when a declaration changes the scope of those after it). */
  readonly file?: (root: SyntaxNode, out: DefinitionCollector) => void;
}

/** The definition walker of each language id (see languages.ts); C shares C++'s. */
const WALKERS: Record<string, LanguageWalker> = {
  typescript: { visit: visitJavaScript },
  tsx: { visit: visitJavaScript },
  javascript: { visit: visitJavaScript },
  python: { visit: visitPython },
  go: { visit: visitGo },
  rust: { visit: visitRust },
  java: { visit: visitJava },
  c: { visit: visitCFamily },
  cpp: { visit: visitCFamily },
  csharp: { visit: visitCSharp, file: visitCSharpFile },
  ruby: { visit: visitRuby },
  php: { visit: visitPhp, file: visitPhpFile },
};

/** Whether Baton extracts symbols from files of this language. */
export function hasSymbolSupport(languageId: string): boolean {
  return languageId in WALKERS;
}

/** The definitions in a parsed file (`text` as parsed, LF line endings), in source order. */
export function extractDefinitions(root: SyntaxNode, text: string, languageId: string): SymbolDefinition[] {
  const walker = WALKERS[languageId];
  if (!walker) return [];
  const collector = new DefinitionCollector(walker.visit, text);
  if (walker.file) walker.file(root, collector);
  else collector.visit(root, FILE_SCOPE);
  return collector.definitions.sort((a, b) => a.startLine - b.startLine || a.line - b.line);
}
