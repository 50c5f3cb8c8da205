import type { FileRole } from '../../protocol/roles.ts';
import type { IndexStore, StoredFileSymbols } from '../store/index-store.ts';
import { TERM, decodeDefinitions, definitionsNamed, familyDigit, referenceLines, termSafe, type TermFamily } from './codec.ts';
import { innermostAt } from './enclosing.ts';
import { displayLine, lineTexts } from './source-lines.ts';
import type { SymbolContext } from './symbol-context.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';
import { isSecondary, roleOf } from './file-rank.ts';

export interface FindReferencesOptions {
  readonly limit: number;
  /** Also list the definitions of the name (flagged `definition: true`), first. */
  readonly includeDefinitions?: boolean | undefined;
}

export interface ReferenceMatch {
  /** Path relative to the codebase root. */
  readonly file: string;
  readonly line: number;
  /** The line, trimmed. */
  readonly text: string;
  readonly language: string;
  /** The name is written exactly as asked (not in another case). */
  readonly exactCase: boolean;
  /** This is a definition of the name, not a use. */
  readonly definition: boolean;
  /** The innermost definition the line is in (for a definition: the one it is in). */
  readonly enclosing?: { readonly name: string; readonly kind: SymbolKind; readonly line: number };
  /** The file's role; tests, examples and generated code come after the codebase's own code. */
  readonly role: FileRole;
}

const PAGE = 64;
const MAX_PAGES = 40;
/** Files read per request, at most: a name used everywhere is answered from its first files, marked truncated. */
const MAX_FILES_READ = 1024;
/** Files counted for `fileCount`, at most. */
const COUNT_CAP = 100_000;

interface Candidate {
  readonly file: StoredFileSymbols;
  /** Decoded on first use: most candidate files only need their references. */
  definitions(): SymbolDefinition[];
  /** The file's definitions of exactly `name`, decoding only those. */
  definitionsOf(name: string): SymbolDefinition[];
}

/** A file's uses of the name, before they are cut to the limit. */
interface FileUses {
  readonly candidate: Candidate;
  /** Exact spellings first, then by line. */
  readonly occurrences: readonly { line: number; exactCase: boolean }[];
}

/**
 * Where `name` is used, by name (no type resolution: every identifier
 * spelled so, in code, not comments or strings). Files that define the name
 * come first, then files that use it in its exact spelling, then files that
 * only use it in another case; the codebase's own code before tests, examples
 * and generated code; lines in order.
 */
export function findReferences(
  store: IndexStore,
  context: SymbolContext,
  name: string,
  options: FindReferencesOptions,
): { results: ReferenceMatch[]; truncated: boolean; fileCount: number } {
  const codebaseId = context.codebase.id;
  const safe = termSafe(name);
  const limit = options.limit;
  const results: ReferenceMatch[] = [];
  const visited = new Set<number>();
  let truncated = false;
  let filesRead = 0;
  /** The candidate files of a term (source, then tests), page by page, until `visit` says stop. */
  const pageThrough = (family: TermFamily, visit: (candidate: Candidate) => boolean): void => {
    for (const test of [false, true]) {
      const match = `"${familyDigit(family, test)}${safe}"`;
      let after = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        if (filesRead >= MAX_FILES_READ) {
          truncated = true;
          return;
        }
        const ids = store.symbols.matchingFiles(codebaseId, match, PAGE, after);
        if (ids.length === 0) break;
        after = ids[ids.length - 1]!;
        const fresh = ids.filter((id) => !visited.has(id));
        filesRead += fresh.length;
        for (const candidate of candidates(store, fresh, context)) if (!visit(candidate)) return;
        if (ids.length < PAGE) break;
      }
    }
  };
  const emit = (uses: FileUses): boolean => {
    const room = limit - results.length;
    if (room <= 0 || uses.occurrences.length > room) truncated = true;
    if (room <= 0) return false;
    results.push(...toResults(store, uses.candidate, uses.occurrences.slice(0, room)));
    return results.length < limit;
  };

  if (options.includeDefinitions) {
    pageThrough(TERM.definition, (candidate) => {
      for (const definition of candidate.definitionsOf(name)) results.push(definitionResult(store, candidate, definition));
      return results.length <= limit;
    });
  }
  // Files that define the name (in its exact spelling), first.
  pageThrough(TERM.definition, (candidate) => {
    if (candidate.definitionsOf(name).length === 0) return true;
    visited.add(candidate.file.fileId);
    const uses = usesIn(candidate, name);
    return uses.occurrences.length === 0 || emit(uses);
  });
  // Then files that use its exact spelling; those that only use another case wait.
  const otherCase: FileUses[] = [];
  if (results.length < limit) {
    pageThrough(TERM.reference, (candidate) => {
      visited.add(candidate.file.fileId);
      const uses = usesIn(candidate, name);
      if (uses.occurrences[0]?.exactCase) return emit(uses);
      if (uses.occurrences.length > 0 && otherCase.length < limit) otherCase.push(uses);
      return true;
    });
  } else {
    truncated = true;
  }
  for (const uses of otherCase) if (!emit(uses)) break;
  const fileCount = store.symbols.countMatching(codebaseId, `"${familyDigit(TERM.reference, false)}${safe}" OR "${familyDigit(TERM.reference, true)}${safe}"`, COUNT_CAP);
  return { results: results.slice(0, limit), truncated: truncated || results.length > limit, fileCount };
}

/** The files' stored symbols in the order given, within the requested sub-folder. */
function candidates(store: IndexStore, fileIds: readonly number[], context: SymbolContext): Candidate[] {
  const byId = new Map(store.symbols.ofFiles(fileIds).map((file) => [file.fileId, file]));
  const ordered = fileIds.map((id) => byId.get(id)).filter((file): file is StoredFileSymbols => !!file && context.inScope(file.path));
  ordered.sort((a, b) => Number(isSecondary(roleOf(a))) - Number(isSecondary(roleOf(b))) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return ordered.map((file) => {
    let decoded: SymbolDefinition[] | undefined;
    return {
      file,
      definitions: () => (decoded ??= decodeDefinitions(file.definitions)),
      definitionsOf: (name: string) => (file.definitions.includes(`\t${name}\t`) ? definitionsNamed(file.definitions, (defined) => defined === name) : []),
    };
  });
}

/** The uses of `name` (any case) in one file: exact spellings first, then by line. */
function usesIn(candidate: Candidate, name: string): FileUses {
  const occurrences: { line: number; exactCase: boolean }[] = [];
  for (const [spelling, lines] of referenceLines(candidate.file.references, name)) {
    for (const line of lines) occurrences.push({ line, exactCase: spelling === name });
  }
  occurrences.sort((a, b) => Number(b.exactCase) - Number(a.exactCase) || a.line - b.line);
  return { candidate, occurrences };
}

/** Results for these uses of one file, with each line's text and enclosing definition. */
function toResults(store: IndexStore, candidate: Candidate, occurrences: readonly { line: number; exactCase: boolean }[]): ReferenceMatch[] {
  if (occurrences.length === 0) return [];
  const lines = occurrences.map((occurrence) => occurrence.line);
  const texts = lineTexts(store, candidate.file.fileId, Math.min(...lines), Math.max(...lines));
  const role = roleOf(candidate.file);
  return occurrences.map(({ line, exactCase }) => {
    const enclosing = innermostAt(candidate.definitions(), line);
    return {
      file: candidate.file.path,
      line,
      text: displayLine(texts.get(line)),
      language: candidate.file.language,
      exactCase,
      definition: false,
      ...(enclosing ? { enclosing: { name: enclosing.name, kind: enclosing.kind, line: enclosing.line } } : {}),
      role,
    };
  });
}

function definitionResult(store: IndexStore, candidate: Candidate, definition: SymbolDefinition): ReferenceMatch {
  const outer = innermostAt(
    candidate.definitions().filter((other) => other.line !== definition.line || other.name !== definition.name || other.startLine !== definition.startLine),
    definition.line,
  );
  return {
    file: candidate.file.path,
    line: definition.line,
    text: displayLine(lineTexts(store, candidate.file.fileId, definition.line, definition.line).get(definition.line)),
    language: candidate.file.language,
    exactCase: true,
    definition: true,
    ...(outer ? { enclosing: { name: outer.name, kind: outer.kind, line: outer.line } } : {}),
    role: roleOf(candidate.file),
  };
}
