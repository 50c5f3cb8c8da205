import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as treeSitterModule from '@vscode/tree-sitter-wasm';
import type { Language, Node, Parser, Tree } from '@vscode/tree-sitter-wasm';

export type { Language, Parser, Tree };
export type SyntaxNode = Node;
type TreeSitterApi = typeof treeSitterModule;

// The package is a UMD bundle: Node's ESM loader exposes it as `default`, esbuild as the namespace.
const treeSitter: TreeSitterApi =
  (treeSitterModule as unknown as { default?: TreeSitterApi }).default ?? (treeSitterModule as TreeSitterApi);

/**
 * Where the WASM files are: `wasm/` next to the bundle in a build (esbuild.mjs
 * copies them there), else the installed package when running from source.
 */
export function grammarDirectory(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'wasm');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
}

/** Loads the tree-sitter runtime once and each grammar on first use. Nothing is downloaded. */
export class GrammarLoader {
  private readonly directory: string;
  private runtime: Promise<void> | undefined;
  private readonly languages = new Map<string, Promise<Language>>();
  private parserInstance: Parser | undefined;

  constructor(directory = grammarDirectory()) {
    this.directory = directory;
  }

  /**
   * Parses `text` with `grammar` (e.g. "typescript", "c-sharp"); the caller
   * deletes the tree. One parser serves every grammar, so it is set to this
   * one right before parsing, with no await in between: concurrent calls for
   * other grammars cannot switch it under this one.
   */
  async parse(text: string, grammar: string): Promise<Tree | null> {
    const language = await this.language(grammar);
    const parser = (this.parserInstance ??= new treeSitter.Parser());
    parser.setLanguage(language);
    return parser.parse(text);
  }

  private language(grammar: string): Promise<Language> {
    let loading = this.languages.get(grammar);
    if (!loading) {
      loading = this.init().then(() => treeSitter.Language.load(path.join(this.directory, `tree-sitter-${grammar}.wasm`)));
      this.languages.set(grammar, loading);
    }
    return loading;
  }

  private init(): Promise<void> {
    this.runtime ??= treeSitter.Parser.init({ locateFile: (file: string) => path.join(this.directory, file) });
    return this.runtime;
  }
}
