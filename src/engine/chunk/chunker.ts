import type { LanguageInfo } from '../languages.ts';
import { extractFileSymbols, extractsSymbols } from '../symbols/extract.ts';
import type { FileSymbols } from '../symbols/symbol.ts';
import { chunkSyntaxTree } from './ast-chunker.ts';
import { DEFAULT_CHUNK_LIMITS, type Chunk, type ChunkLimits, type SplitterKind } from './chunk.ts';
import { GrammarLoader, type Tree } from './grammars.ts';
import { parseInput } from './c-grammar.ts';
import { mostlyInside, testRegions } from './test-regions.ts';
import { splitText } from './text-splitter.ts';

/** A file's chunks and, for a language with a symbol table, its symbols (from the same parse). */
export interface ChunkedFile {
  readonly chunks: Chunk[];
  readonly symbols: FileSymbols | undefined;
}

/**
 * Turns a file's text into chunks: at syntax boundaries when a grammar is
 * shipped for its language and the AST splitter is asked for, by lines
 * otherwise. A grammar that fails to load or parse falls back to lines, so a
 * file is never lost for want of a parser. CRLF line endings are read as LF:
 * a file checked out on Windows gets the same chunks (and contents) as on Linux.
 *
 * The same parse yields the file's symbols (`chunkAndExtract`); with the line
 * splitter the file is parsed for its symbols alone.
 */
export class Chunker {
  private readonly grammars: GrammarLoader;
  private readonly limits: ChunkLimits;
  private readonly symbols: boolean;

  /** `symbols: false` skips the symbol table (the benchmark's baseline). */
  constructor(options: { grammars?: GrammarLoader; limits?: ChunkLimits; symbols?: boolean } = {}) {
    this.grammars = options.grammars ?? new GrammarLoader();
    this.limits = options.limits ?? DEFAULT_CHUNK_LIMITS;
    this.symbols = options.symbols ?? true;
  }

  async chunk(source: string, language: LanguageInfo, splitter: SplitterKind = 'ast'): Promise<Chunk[]> {
    return (await this.process(source, language, splitter, false)).chunks;
  }

  async chunkAndExtract(source: string, language: LanguageInfo, splitter: SplitterKind = 'ast'): Promise<ChunkedFile> {
    return this.process(source, language, splitter, this.symbols && extractsSymbols(language.id));
  }

  private async process(source: string, language: LanguageInfo, splitter: SplitterKind, withSymbols: boolean): Promise<ChunkedFile> {
    const text = source.includes('\r\n') ? source.replace(/\r\n/g, '\n') : source;
    const input = parseInput(language, text);
    const grammar = input.grammar;
    const tree = grammar && (splitter === 'ast' || withSymbols) ? await this.parse(input.text, grammar) : undefined;
    try {
      const root = tree?.rootNode;
      const chunks = (splitter === 'ast' && root && grammar && this.chunkTree(root, text, grammar)) || splitText(text, this.limits);
      return { chunks, symbols: withSymbols ? this.extract(root, text, language.id) : undefined };
    } finally {
      tree?.delete();
    }
  }

  private async parse(text: string, grammar: string): Promise<Tree | undefined> {
    try {
      return (await this.grammars.parse(text, grammar)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private chunkTree(root: Tree['rootNode'], text: string, grammar: string): Chunk[] | undefined {
    try {
      const chunks = chunkSyntaxTree(root, text, this.limits);
      const tests = testRegions(root, grammar);
      if (tests.length === 0) return chunks;
      return chunks.map((chunk) => (mostlyInside(chunk.startLine, chunk.endLine, tests) ? { ...chunk, role: 'test' as const } : chunk));
    } catch {
      // A tree this code cannot handle must not cost the file its chunks.
      return undefined;
    }
  }

  private extract(root: Tree['rootNode'] | undefined, text: string, languageId: string): FileSymbols | undefined {
    try {
      return extractFileSymbols(root, text, languageId);
    } catch {
      // Nor its symbols: the file is still indexed, without them.
      return undefined;
    }
  }
}
