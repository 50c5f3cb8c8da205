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
 * Grammars that come from a package of their own rather than from
 * @vscode/tree-sitter-wasm, by name. C has its own grammar: the C++ one
 * parses C too, but V8's optimizing compiler takes some 260 MB for a short
 * while to compile its lexer, the C grammar's about 50 MB (docs/indexing.md).
 * esbuild.mjs copies these next to the others.
 */
export const SEPARATE_GRAMMARS: Readonly<Record<string, string>> = { c: 'tree-sitter-c' };

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

/** The WASM file of `grammar`: in `directory`, or (from source) in its own package when it has one. */
function grammarFile(directory: string, grammar: string): string {
  const name = `tree-sitter-${grammar}.wasm`;
  const inDirectory = path.join(directory, name);
  const ownPackage = SEPARATE_GRAMMARS[grammar];
  if (!ownPackage || existsSync(inDirectory)) return inDirectory;
  return createRequire(import.meta.url).resolve(`${ownPackage}/${name}`);
}

/**
 * The tree-sitter runtime, grammars and parser, shared by every loader in the
 * process: the runtime is a singleton inside web-tree-sitter anyway, and what
 * lives in its WASM memory is never given back (a grammar takes megabytes; a
 * few hundred loads exhaust it), so each grammar file is loaded once.
 */
let runtime: Promise<void> | undefined;
const loadedLanguages = new Map<string, Promise<Language>>();
let sharedParser: Parser | undefined;

function loadRuntime(directory: string): Promise<void> {
  runtime ??= treeSitter.Parser.init({ locateFile: (file: string) => path.join(directory, file) });
  return runtime;
}

function loadLanguage(directory: string, grammar: string): Promise<Language> {
  const file = grammarFile(directory, grammar);
  let loading = loadedLanguages.get(file);
  if (!loading) {
    loading = loadRuntime(directory).then(() => treeSitter.Language.load(file));
    loadedLanguages.set(file, loading);
  }
  return loading;
}

/** Loads the tree-sitter runtime and each grammar on first use. Nothing is downloaded. */
export class GrammarLoader {
  private readonly directory: string;

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
    const language = await loadLanguage(this.directory, grammar);
    const parser = (sharedParser ??= new treeSitter.Parser());
    parser.setLanguage(language);
    return parser.parse(text);
  }
}
