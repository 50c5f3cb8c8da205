import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { BUILTIN_EXCLUDES } from '../src/engine/scan/builtin-excludes.ts';

/**
 * Builds the benchmark corpus: the JavaScript/TypeScript files of real,
 * published code nobody here wrote, copied into one tree:
 *
 * - `baton-deps/`: the project's own installed dependencies (node_modules);
 * - `extra-deps/`: a fixed set of well-known libraries (bench/extra-deps: exact
 *   versions and a lock file), installed from the npm registry into
 *   .bench/extra-deps. They exist only to make the corpus large enough
 *   (≥ 100,000 chunks) for the search-latency figures.
 *
 * Only code that Baton would index is copied, so the corpus size is the size
 * of what gets indexed: files Baton excludes by name (*.min.js, *.bundle.js…),
 * files over the size cap and minified files (Baton's own rule: average line
 * over 300 characters) are left out, and a file whose exact content was
 * already copied is not copied again. Folder names Baton excludes
 * (node_modules, dist, build…) get a trailing "_" so that the code inside them
 * is indexed too.
 */
const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']);
/** Same rule as Baton's reader (src/engine/scan/file-content.ts). */
const MINIFIED_AVERAGE_LINE = 300;
const MINIFIED_MIN_SIZE = 4096;
/** Bump when the copy rules change, so that a cached corpus is rebuilt. */
const CORPUS_FORMAT = 2;

export interface CorpusSource {
  /** Folder name of this source inside the corpus. */
  readonly name: string;
  /** A node_modules folder. */
  readonly dir: string;
}

export interface PackageSize {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
}

export interface SourceSummary {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly packages: number;
  /** The largest packages, by bytes copied. */
  readonly largest: readonly PackageSize[];
}

export interface Corpus {
  readonly root: string;
  readonly recipe: string;
  readonly files: number;
  readonly bytes: number;
  readonly sources: readonly SourceSummary[];
  readonly left: { readonly excludedByName: number; readonly tooLarge: number; readonly minified: number; readonly duplicate: number };
}

/**
 * Installs the pinned extra packages into `installDir` with `npm ci` (lock file
 * from `manifestDir`), unless the same lock file is installed already.
 * Returns the node_modules folder.
 */
export function ensureExtraDeps(manifestDir: string, installDir: string, log: (line: string) => void): string {
  const lock = readFileSync(path.join(manifestDir, 'package-lock.json'));
  const manifest = readFileSync(path.join(manifestDir, 'package.json'));
  const stamp = sha1(Buffer.concat([manifest, lock]));
  const marker = path.join(installDir, '.installed');
  const modules = path.join(installDir, 'node_modules');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp && existsSync(modules)) return modules;
  log(`installing the extra corpus packages (npm ci, pinned by bench/extra-deps/package-lock.json) into ${installDir}…`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(path.join(installDir, 'package.json'), manifest);
  writeFileSync(path.join(installDir, 'package-lock.json'), lock);
  execFileSync('npm', ['ci', '--prefix', installDir, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(marker, stamp);
  return modules;
}

/** Builds the corpus in `targetRoot`, or returns the cached one when it was built from the same recipe. */
export function buildCorpus(sources: readonly CorpusSource[], targetRoot: string, maxFileBytes: number): Corpus {
  const recipe = sha1(JSON.stringify({ CORPUS_FORMAT, maxFileBytes, sources: sources.map((source) => [source.name, source.dir, lockStamp(source.dir)]) }));
  // The marker lives beside the corpus, not in it, so that the corpus holds code files only.
  const marker = `${targetRoot}.json`;
  if (existsSync(marker)) {
    const cached = JSON.parse(readFileSync(marker, 'utf8')) as Corpus;
    if (cached.recipe === recipe && cached.root === targetRoot) return cached;
  }
  rmSync(marker, { force: true });
  rmSync(targetRoot, { recursive: true, force: true });
  const excluded = ignore().add([...BUILTIN_EXCLUDES]);
  const seen = new Set<string>();
  const left = { excludedByName: 0, tooLarge: 0, minified: 0, duplicate: 0 };
  const summaries: SourceSummary[] = [];
  for (const source of sources) {
    const packages = new Map<string, { files: number; bytes: number }>();
    let files = 0;
    let bytes = 0;
    const pending = [''];
    while (pending.length > 0) {
      const relative = pending.pop()!;
      const entries = readdirSync(path.join(source.dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const entry of entries) {
        const from = path.join(relative, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== '.bin') pending.push(from);
          continue;
        }
        if (!entry.isFile() || !SOURCE_EXTENSIONS.has(path.extname(entry.name))) continue;
        if (excluded.ignores(entry.name)) {
          left.excludedByName++;
          continue;
        }
        const absolute = path.join(source.dir, from);
        if (statSync(absolute).size > maxFileBytes) {
          left.tooLarge++;
          continue;
        }
        const data = readFileSync(absolute);
        if (looksMinified(data)) {
          left.minified++;
          continue;
        }
        const hash = sha1(data);
        if (seen.has(hash)) {
          left.duplicate++;
          continue;
        }
        seen.add(hash);
        const parts = from.split(path.sep);
        const to = path.join(targetRoot, source.name, ...parts.map((part, index) => (index < parts.length - 1 && excluded.ignores(`${part}/`) ? `${part}_` : part)));
        mkdirSync(path.dirname(to), { recursive: true });
        copyFileSync(absolute, to);
        files++;
        bytes += data.length;
        const name = packageName(parts);
        const size = packages.get(name) ?? { files: 0, bytes: 0 };
        size.files++;
        size.bytes += data.length;
        packages.set(name, size);
      }
    }
    const largest = [...packages.entries()]
      .map(([name, size]) => ({ name, ...size }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 12);
    summaries.push({ name: source.name, files, bytes, packages: packages.size, largest });
  }
  const corpus: Corpus = {
    root: targetRoot,
    recipe,
    files: summaries.reduce((sum, source) => sum + source.files, 0),
    bytes: summaries.reduce((sum, source) => sum + source.bytes, 0),
    sources: summaries,
    left,
  };
  writeFileSync(marker, JSON.stringify(corpus));
  return corpus;
}

/** Every code file of the corpus, as "/"-separated paths relative to its root. */
export function corpusFiles(root: string): string[] {
  const out: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) pending.push(child);
      else if (entry.isFile() && SOURCE_EXTENSIONS.has(path.extname(entry.name))) out.push(child);
    }
  }
  return out.sort();
}

function looksMinified(data: Buffer): boolean {
  const text = data.toString('utf8');
  if (text.length < MINIFIED_MIN_SIZE) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}

/** The top-level package a node_modules-relative path belongs to ("@scope/name" or "name"). */
function packageName(parts: readonly string[]): string {
  return parts[0]?.startsWith('@') && parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '');
}

/** What an installed node_modules folder was installed from (npm's hidden lock file). */
function lockStamp(modules: string): string {
  const hidden = path.join(modules, '.package-lock.json');
  return existsSync(hidden) ? sha1(readFileSync(hidden)) : '';
}

function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * The bench corpus every benchmark shares: Baton's own installed
 * dependencies plus the pinned extra packages (installed on first use), in
 * `.bench/corpus`, files up to `maxFileBytes`.
 */
export function benchCorpus(maxFileBytes: number, progress: (line: string) => void): Corpus {
  const main = path.resolve(import.meta.dirname, '..');
  const benchDir = path.join(main, '.bench');
  const extraModules = ensureExtraDeps(path.join(main, 'bench', 'extra-deps'), path.join(benchDir, 'extra-deps'), progress);
  return buildCorpus(
    [
      { name: 'baton-deps', dir: path.join(main, 'node_modules') },
      { name: 'extra-deps', dir: extraModules },
    ],
    path.join(benchDir, 'corpus'),
    maxFileBytes,
  );
}
