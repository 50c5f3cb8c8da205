/**
 * File extensions Baton indexes, and the language each one is. Grammar names
 * are the files tree-sitter-<grammar>.wasm, shipped by @vscode/tree-sitter-wasm
 * except C's (tree-sitter-c: see SEPARATE_GRAMMARS in chunk/grammars.ts).
 * `.h` is C; a header that reads as C++ is parsed with the C++ grammar
 * (chunk/c-grammar.ts).
 */
export interface LanguageInfo {
  readonly id: string;
  /** tree-sitter grammar, when one is shipped for this language. */
  readonly grammar?: string;
}

const byExtension = new Map<string, LanguageInfo>();

function register(id: string, extensions: string[], grammar?: string): void {
  const info: LanguageInfo = grammar ? { id, grammar } : { id };
  for (const extension of extensions) byExtension.set(extension, info);
}

register('typescript', ['.ts', '.mts', '.cts'], 'typescript');
register('tsx', ['.tsx'], 'tsx');
register('javascript', ['.js', '.mjs', '.cjs', '.jsx'], 'javascript');
register('python', ['.py', '.pyi', '.pyw'], 'python');
register('go', ['.go'], 'go');
register('rust', ['.rs'], 'rust');
register('java', ['.java'], 'java');
register('c', ['.c', '.h'], 'c');
register('cpp', ['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ino'], 'cpp');
register('csharp', ['.cs'], 'c-sharp');
register('ruby', ['.rb', '.rake', '.gemspec'], 'ruby');
register('php', ['.php', '.phtml'], 'php');
register('shell', ['.sh', '.bash', '.zsh', '.fish', '.ksh']);
register('powershell', ['.ps1', '.psm1']);
register('css', ['.css', '.scss', '.sass', '.less']);
register('html', ['.html', '.htm', '.vue', '.svelte', '.astro']);
register('markdown', ['.md', '.mdx', '.markdown', '.rst', '.adoc', '.txt']);
register('json', ['.json', '.jsonc', '.json5']);
register('yaml', ['.yaml', '.yml']);
register('toml', ['.toml']);
register('ini', ['.ini', '.cfg', '.conf', '.properties', '.env.example']);
register('xml', ['.xml', '.xsd', '.xsl', '.plist', '.csproj', '.props', '.targets']);
register('sql', ['.sql']);
register('graphql', ['.graphql', '.gql']);
register('proto', ['.proto']);
register('kotlin', ['.kt', '.kts']);
register('swift', ['.swift']);
register('scala', ['.scala', '.sc']);
register('dart', ['.dart']);
register('lua', ['.lua']);
register('perl', ['.pl', '.pm']);
register('r', ['.r', '.R']);
register('elixir', ['.ex', '.exs']);
register('erlang', ['.erl', '.hrl']);
register('haskell', ['.hs']);
register('ocaml', ['.ml', '.mli']);
register('clojure', ['.clj', '.cljs', '.cljc', '.edn']);
register('zig', ['.zig']);
register('nim', ['.nim']);
register('objective-c', ['.m', '.mm']);
register('fsharp', ['.fs', '.fsi', '.fsx']);
register('vb', ['.vb']);
register('terraform', ['.tf', '.tfvars', '.hcl']);
register('cmake', ['.cmake']);
register('makefile', ['.mk', '.mak']);
register('dockerfile', ['.dockerfile']);
register('groovy', ['.groovy', '.gradle']);
register('solidity', ['.sol']);

/** Whole file names that are source even without a known extension. */
const byFileName = new Map<string, LanguageInfo>([
  ['makefile', { id: 'makefile' }],
  ['gnumakefile', { id: 'makefile' }],
  ['dockerfile', { id: 'dockerfile' }],
  ['cmakelists.txt', { id: 'cmake' }],
  ['rakefile', { id: 'ruby', grammar: 'ruby' }],
  ['gemfile', { id: 'ruby', grammar: 'ruby' }],
  ['justfile', { id: 'makefile' }],
]);

/** Every extension a file Baton indexes by itself can have (custom extensions aside): the known ones, and those of the known file names. */
export function knownExtensions(): string[] {
  const named = [...byFileName.keys()].map(extensionOf).filter((extension) => extension !== '');
  return [...new Set([...byExtension.keys(), ...named])];
}

/** The extension as Baton compares it: lower case with the leading dot. */
export function extensionOf(relativePath: string): string {
  const base = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** Normalizes user-supplied extensions ("ts", ".TS") to ".ts". */
export function normalizeExtension(extension: string): string {
  const trimmed = extension.trim().toLowerCase();
  return trimmed.startsWith('.') ? trimmed : `.${trimmed}`;
}

/**
 * The language of a file, or undefined when Baton does not index it.
 * `customExtensions` adds extensions (indexed with the text splitter).
 */
export function languageOf(relativePath: string, customExtensions: ReadonlySet<string> = new Set()): LanguageInfo | undefined {
  const base = relativePath.slice(relativePath.lastIndexOf('/') + 1).toLowerCase();
  const named = byFileName.get(base);
  if (named) return named;
  const extension = extensionOf(relativePath);
  const known = byExtension.get(extension) ?? byExtension.get(extension.toLowerCase());
  if (known) return known;
  if (customExtensions.has(extension)) return { id: extension.slice(1) || 'text' };
  return undefined;
}
