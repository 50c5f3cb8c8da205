import type { LanguageInfo } from '../languages.ts';
import { chunkSyntaxTree } from './ast-chunker.ts';
import { DEFAULT_CHUNK_LIMITS, type Chunk, type ChunkLimits, type SplitterKind } from './chunk.ts';
import { GrammarLoader } from './grammars.ts';
import { mostlyInside, testRegions } from './test-regions.ts';
import { splitText } from './text-splitter.ts';

/**
 * Turns a file's text into chunks: at syntax boundaries when a grammar is
 * shipped for its language and the AST splitter is asked for, by lines
 * otherwise. A grammar that fails to load or parse falls back to lines, so a
 * file is never lost for want of a parser. CRLF line endings are read as LF:
 * a file checked out on Windows gets the same chunks (and contents) as on Linux.
 */
export class Chunker {
  private readonly grammars: GrammarLoader;
  private readonly limits: ChunkLimits;

  constructor(options: { grammars?: GrammarLoader; limits?: ChunkLimits } = {}) {
    this.grammars = options.grammars ?? new GrammarLoader();
    this.limits = options.limits ?? DEFAULT_CHUNK_LIMITS;
  }

  async chunk(source: string, language: LanguageInfo, splitter: SplitterKind = 'ast'): Promise<Chunk[]> {
    const text = source.includes('\r\n') ? source.replace(/\r\n/g, '\n') : source;
    if (splitter === 'ast' && language.grammar) {
      const chunks = await this.chunkWithGrammar(text, language.grammar);
      if (chunks) return chunks;
    }
    return splitText(text, this.limits);
  }

  private async chunkWithGrammar(text: string, grammar: string): Promise<Chunk[] | undefined> {
    let tree;
    try {
      tree = await this.grammars.parse(text, grammar);
    } catch {
      return undefined;
    }
    if (!tree) return undefined;
    try {
      const chunks = chunkSyntaxTree(tree.rootNode, text, this.limits);
      const tests = testRegions(tree.rootNode, grammar);
      if (tests.length === 0) return chunks;
      return chunks.map((chunk) => (mostlyInside(chunk.startLine, chunk.endLine, tests) ? { ...chunk, role: 'test' as const } : chunk));
    } catch {
      // A tree this code cannot handle must not cost the file its chunks.
      return undefined;
    } finally {
      tree.delete();
    }
  }
}
