import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { relativeInside } from '../paths.ts';
import type { IndexStore } from '../store/index-store.ts';
import { decodeDefinitions } from './codec.ts';
import { displayLine, lineTexts } from './source-lines.ts';
import type { SymbolContext } from './symbol-context.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';

export interface OutlineSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly container?: string;
  readonly line: number;
  readonly startLine: number;
  readonly endLine: number;
  readonly signature: string;
  /** The definitions inside this one (a class's methods, a namespace's classes). */
  readonly children: OutlineSymbol[];
}

/** The path of `file` (absolute, or relative to the root) inside the codebase, "/"-separated. */
export function fileInCodebase(root: string, file: string): string {
  if (typeof file !== 'string' || file.trim() === '') throw new UserError('file is required: the path of a file in the codebase, e.g. "src/index.ts".');
  const absolute = path.resolve(root, file.trim());
  // The root is stored with its links resolved, and the index holds files where they really are: a file
  // named through a link to the root, or to a folder in it, is found by its real path first.
  const relative = relativeInside(root, withLinksResolved(absolute)) ?? relativeInside(root, absolute);
  if (relative === undefined || relative === '') throw new UserError(`"${file}" is not a file inside ${root}. Pass a path relative to it, e.g. "src/index.ts", or an absolute one under it.`);
  return relative;
}

/** `absolute` with its links resolved: the file's own, else its folder's (a file deleted since), else as given. */
function withLinksResolved(absolute: string): string {
  try {
    return realpathSync.native(absolute);
  } catch {
    try {
      return path.join(realpathSync.native(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** The definitions of one file, nested by extent (a method under its class), with their lines. */
export function fileOutline(store: IndexStore, context: SymbolContext, file: string): { file: string; language: string; symbols: OutlineSymbol[] } {
  const relative = fileInCodebase(context.codebase.root, file);
  const stored = store.symbols.ofPath(context.codebase.id, relative);
  if (!stored) throw new UserError(missingFileMessage(store, context, relative));
  const definitions = decodeDefinitions(stored.definitions);
  const texts = definitions.length === 0 ? new Map<number, string>() : lineTexts(store, stored.fileId, definitions[0]!.startLine, Math.max(...definitions.map((d) => d.line)));
  return { file: relative, language: stored.language, symbols: nest(definitions, texts) };
}

function missingFileMessage(store: IndexStore, context: SymbolContext, relative: string): string {
  const row = store.db.prepare('SELECT language FROM files WHERE codebase_id = ? AND path = ?').get(context.codebase.id, relative) as { language: string } | undefined;
  if (!row) return `${relative} is not in the index of ${context.codebase.root} (ignored, not a source file, or not indexed yet). Check the path, relative to the codebase root.`;
  return `${relative} has no symbols: Baton reads them from TypeScript, TSX, JavaScript, Python, Go, Rust, Java, C, C++, C#, Ruby and PHP files (this one is ${row.language}), and from files indexed since symbols exist (run index_codebase if this file is older).`;
}

/** Nests definitions (in source order) by extent: each goes under the innermost open one that holds it. */
function nest(definitions: readonly SymbolDefinition[], texts: ReadonlyMap<number, string>): OutlineSymbol[] {
  const roots: OutlineSymbol[] = [];
  const open: OutlineSymbol[] = [];
  for (const definition of definitions) {
    while (open.length > 0 && !holds(open[open.length - 1]!, definition)) open.pop();
    const symbol: OutlineSymbol = {
      name: definition.name,
      kind: definition.kind,
      ...(definition.container !== undefined ? { container: definition.container } : {}),
      line: definition.line,
      startLine: definition.startLine,
      endLine: definition.endLine,
      signature: displayLine(texts.get(definition.line)),
      children: [],
    };
    (open[open.length - 1]?.children ?? roots).push(symbol);
    open.push(symbol);
  }
  return roots;
}

function holds(outer: OutlineSymbol, inner: SymbolDefinition): boolean {
  return outer.startLine <= inner.startLine && outer.endLine >= inner.endLine && !(outer.startLine === inner.startLine && outer.endLine === inner.endLine && outer.line === inner.line);
}
