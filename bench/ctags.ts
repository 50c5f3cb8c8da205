import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Universal Ctags, the reference the symbol table is measured against: found
 * on the PATH, installed from Debian when missing and running as root, or
 * skipped with the command to install it.
 */
export const CTAGS_MISSING = 'Universal Ctags is not installed: run "sudo apt-get install universal-ctags" (Debian/Ubuntu) and re-run the benchmark.';

export function ctagsVersion(log: (line: string) => void): string | undefined {
  const found = currentVersion();
  if (found || process.getuid?.() !== 0) return found;
  log('installing universal-ctags (apt-get, running as root)…');
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'universal-ctags'], { stdio: ['ignore', 'ignore', 'inherit'] }) : update;
  return install.status === 0 ? currentVersion() : undefined;
}

function currentVersion(): string | undefined {
  const result = spawnSync('ctags', ['--version'], { encoding: 'utf8' });
  const first = result.status === 0 ? result.stdout.split('\n')[0]?.trim() : undefined;
  return first?.startsWith('Universal Ctags') ? first.replace(/,.*$/, '') : undefined;
}

/** One definition as ctags reports it (JSON output with line, kind and scope fields). */
export interface CtagsTag {
  readonly name: string;
  readonly path: string;
  readonly line: number;
  readonly kind: string;
  readonly scope?: string;
  readonly scopeKind?: string;
  readonly pattern: string;
  readonly language?: string;
}

/** Every tag ctags finds under `root` in these ctags languages, with paths relative to `root`. */
export function runCtags(root: string, languages: readonly string[]): CtagsTag[] {
  const output = execFileSync('ctags', ['-R', `--languages=${languages.join(',')}`, '--output-format=json', '--fields=+nKzSlE', '-f', '-', '.'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 2 * 1024 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tags: CtagsTag[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const tag = JSON.parse(line) as CtagsTag & { _type: string };
    if (tag._type === 'tag' && typeof tag.line === 'number') tags.push({ ...tag, path: tag.path.replace(/^\.\//, '') });
  }
  return tags;
}

/** ctags kinds that are definitions Baton models (across ctags' parsers for the twelve languages). */
const MODELLED_KINDS = new Set([
  'function', 'method', 'class', 'interface', 'enum', 'namespace', 'alias', 'generator', 'getter', 'setter', 'constant',
  'variable', 'module', 'struct', 'union', 'typedef', 'trait', 'macro', 'singletonMethod', 'func', 'type', 'methodSpec',
  'record', 'annotation', 'delegate', 'var', 'const',
]);
/** Python's parser calls methods "member" (other parsers use it for fields). */
const PYTHON_METHOD_KIND = 'member';
const VALUE_KINDS = new Set(['constant', 'variable', 'var', 'const']);
/** Scopes whose values are fields (not modelled), not constants or variables. */
const TYPE_SCOPES = new Set(['class', 'struct', 'interface', 'record', 'union']);
const FUNCTION_SCOPES = new Set(['function', 'method', 'generator', 'getter', 'setter', 'func', 'singletonMethod']);

/**
 * The ctags tags that are definitions of the kinds Baton models, with ctags'
 * own inventions taken out so that the comparison is about definitions both
 * tools mean to report:
 * - names ctags makes up for anonymous functions and classes (`AnonymousFunction…`);
 * - locals: constants and variables inside a function (by ctags' scope, or,
 *   where its TypeScript parser loses the scope, by an indented line);
 * - assignments that declare nothing (`x = 1` without const/let/var);
 * - object literals, which ctags' JavaScript parser reports as classes (a
 *   `class` tag whose line has no `class`), and their keys;
 * - import, export and `use` lists, which some parsers report as aliases;
 * - fields (values scoped in a class or struct) and the kinds Baton does not
 *   model: properties, enumerators, parameters, packages, impl blocks.
 */
export function comparableTags(tags: readonly CtagsTag[]): CtagsTag[] {
  const byFile = new Map<string, CtagsTag[]>();
  for (const tag of tags) {
    if (!MODELLED_KINDS.has(tag.kind) && !(tag.language === 'Python' && tag.kind === PYTHON_METHOD_KIND)) continue;
    const list = byFile.get(tag.path);
    if (list) list.push(tag);
    else byFile.set(tag.path, [tag]);
  }
  const kept: CtagsTag[] = [];
  for (const list of byFile.values()) {
    const objectLiterals = new Set(list.filter(isObjectLiteralClass).map((tag) => (tag.scope ? `${tag.scope}.${tag.name}` : tag.name)));
    for (const tag of list) if (isComparable(tag, objectLiterals)) kept.push(tag);
  }
  return kept;
}

function isJavaScriptFamily(tag: CtagsTag): boolean {
  return tag.language === 'JavaScript' || tag.language === 'TypeScript' || /\.(?:[cm]?[jt]sx?)$/.test(tag.path);
}

function isObjectLiteralClass(tag: CtagsTag): boolean {
  return isJavaScriptFamily(tag) && tag.kind === 'class' && !/\bclass\b/.test(tag.pattern);
}

function isComparable(tag: CtagsTag, objectLiterals: ReadonlySet<string>): boolean {
  if (/^(?:Anonymous|__anon)/.test(tag.name)) return false;
  if (VALUE_KINDS.has(tag.kind)) {
    if (tag.scopeKind && (FUNCTION_SCOPES.has(tag.scopeKind) || TYPE_SCOPES.has(tag.scopeKind))) return false;
    if (isJavaScriptFamily(tag) && !tag.scope && /^\/\^\s/.test(tag.pattern)) return false;
    if (isJavaScriptFamily(tag) && !/\b(?:const|let|var)\b/.test(tag.pattern)) return false;
  }
  if (isObjectLiteralClass(tag)) return false;
  if (tag.scope && [...objectLiterals].some((literal) => tag.scope === literal || tag.scope!.startsWith(`${literal}.`))) return false;
  if (tag.kind === 'alias' && /^\/\^\s*(?:import|export|use)\b/.test(tag.pattern) && !/\btype\s+[\w$]+\s*[<=]/.test(tag.pattern)) return false;
  return true;
}
