import type { SyntaxNode } from '../chunk/grammars.ts';
import { DefinitionCollector, FILE_SCOPE, type LanguageVisitor } from './definitions.ts';
import { visitCFamily } from './languages/c-family.ts';
import { visitCSharp, visitCSharpFile } from './languages/csharp.ts';
import { visitGo } from './languages/go.ts';
import { visitJava } from './languages/java.ts';
import { JAVASCRIPT_DEFINITION_WORDS, visitJavaScript } from './languages/javascript.ts';
import { visitPhp, visitPhpFile } from './languages/php.ts';
import { PYTHON_DEFINITION_WORDS, visitPython } from './languages/python.ts';
import { visitRuby } from './languages/ruby.ts';
import { RUST_DEFINITION_WORDS, visitRust } from './languages/rust.ts';
import { scanCode, type CodeMarks } from './reference-scanner.ts';
import type { SymbolDefinition } from './symbol.ts';

interface LanguageWalker {
  readonly visit: LanguageVisitor;
  /** Words a definition nested in a body needs (see DefinitionCollector.holds); none: bodies are not walked. */
  readonly words?: ReadonlySet<string>;
  /** Walks the file's top level itself (when a declaration changes the scope of those after it). */
  readonly file?: (root: SyntaxNode, out: DefinitionCollector) => void;
}

/** The definition walker of each language id (see languages.ts); C shares C++'s. */
const WALKERS: Record<string, LanguageWalker> = {
  typescript: { visit: visitJavaScript, words: JAVASCRIPT_DEFINITION_WORDS },
  tsx: { visit: visitJavaScript, words: JAVASCRIPT_DEFINITION_WORDS },
  javascript: { visit: visitJavaScript, words: JAVASCRIPT_DEFINITION_WORDS },
  python: { visit: visitPython, words: PYTHON_DEFINITION_WORDS },
  go: { visit: visitGo },
  rust: { visit: visitRust, words: RUST_DEFINITION_WORDS },
  java: { visit: visitJava },
  c: { visit: visitCFamily },
  cpp: { visit: visitCFamily },
  csharp: { visit: visitCSharp, file: visitCSharpFile },
  ruby: { visit: visitRuby },
  php: { visit: visitPhp, file: visitPhpFile },
};

/** The words whose places `extractDefinitions` needs (`marks`), for the reference scan to note. */
export function definitionWords(languageId: string): ReadonlySet<string> {
  return WALKERS[languageId]?.words ?? NO_WORDS;
}

const NO_WORDS: ReadonlySet<string> = new Set();

/**
 * The definitions in a parsed file (`text` as parsed, LF line endings), in
 * source order. `marks`: where the language's definition words are in its
 * code, from the reference scan (scanned here when not given).
 */
export function extractDefinitions(root: SyntaxNode, text: string, languageId: string, marks?: CodeMarks): SymbolDefinition[] {
  const walker = WALKERS[languageId];
  if (!walker) return [];
  const collector = new DefinitionCollector(walker.visit, text, marks ?? scanCode(text, languageId, definitionWords(languageId)).marks);
  if (walker.file) walker.file(root, collector);
  else collector.visit(root, FILE_SCOPE);
  return collector.definitions.sort((a, b) => a.startLine - b.startLine || a.line - b.line);
}
