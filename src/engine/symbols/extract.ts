import type { SyntaxNode } from '../chunk/grammars.ts';
import { definitionWords, extractDefinitions } from './extract-definitions.ts';
import { hasReferenceScanner, scanCode } from './reference-scanner.ts';
import type { FileSymbols } from './symbol.ts';

/** Whether files of this language get a symbol table (definitions from the tree, references from the text). */
export function extractsSymbols(languageId: string): boolean {
  return hasReferenceScanner(languageId);
}

/**
 * A file's symbols: the definitions in its syntax tree (none when it could not
 * be parsed) and the identifiers it uses. A definition's own name is not a
 * use: that line is left out of the name's references.
 */
export function extractFileSymbols(root: SyntaxNode | undefined, text: string, languageId: string): FileSymbols {
  const { references, marks } = scanCode(text, languageId, definitionWords(languageId));
  const definitions = root ? extractDefinitions(root, text, languageId, marks) : [];
  for (const definition of definitions) {
    const lines = references.get(definition.name);
    if (!lines) continue;
    const index = lines.indexOf(definition.line);
    if (index === -1) continue;
    if (lines.length === 1) references.delete(definition.name);
    else lines.splice(index, 1);
  }
  return { definitions, references };
}
