import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds the benchmark corpus: every JavaScript/TypeScript file of the
 * project's installed dependencies (code nobody here wrote), copied into one
 * tree. Folder names Baton excludes by default (node_modules, dist, build…)
 * get a trailing "_" so that the code inside them is indexed too.
 */
const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx']);
const RENAMED = new Set(['node_modules', 'dist', 'build', 'out', 'vendor', 'target', 'coverage', 'obj', '.cache', 'bower_components']);

export interface Corpus {
  readonly root: string;
  readonly files: number;
  readonly bytes: number;
}

export function buildCorpus(sourceRoot: string, targetRoot: string, maxFileBytes: number): Corpus {
  const marker = path.join(targetRoot, '.corpus-complete.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as Corpus;
  rmSync(targetRoot, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    for (const entry of readdirSync(path.join(sourceRoot, relative), { withFileTypes: true })) {
      const from = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.bin') pending.push(from);
        continue;
      }
      if (!entry.isFile() || !SOURCE_EXTENSIONS.has(path.extname(entry.name)) || entry.name.includes('.min.')) continue;
      const size = statSync(path.join(sourceRoot, from)).size;
      if (size > maxFileBytes) continue;
      const to = path.join(targetRoot, ...from.split(path.sep).map((part, index, all) => (index < all.length - 1 && RENAMED.has(part) ? `${part}_` : part)));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(sourceRoot, from), to);
      files++;
      bytes += size;
    }
  }
  const corpus = { root: targetRoot, files, bytes };
  writeFileSync(marker, JSON.stringify(corpus));
  return corpus;
}
