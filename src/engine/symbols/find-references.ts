import type { IndexStore, StoredFileSymbols } from '../store/index-store.ts';
import { TERM, decodeDefinitions, exactPayload, familyDigit, referenceLines, termSafe } from './codec.ts';
import { innermostAt } from './enclosing.ts';
import { displayLine, lineTexts } from './source-lines.ts';
import type { SymbolContext } from './symbol-context.ts';
import type { SymbolDefinition, SymbolKind } from './symbol.ts';
import { isTestPath } from './test-paths.ts';

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
  /** The file is a test, fixture or benchmark. */
  readonly test: boolean;
}

const PAGE = 64;
const MAX_PAGES = 40;
/** Files counted for `fileCount`, at most. */
const COUNT_CAP = 100_000;

interface Candidate {
  readonly file: StoredFileSymbols;
  /** Decoded on first use: most candidate files only need their references. */
  definitions(): SymbolDefinition[];
}

/**
 * Where `name` is used, by name (no type resolution: every identifier
 * spelled so, in code, not comments or strings). Files that define the name
 * come first, then files that use it in its exact spelling, then those that
 * use it in another case; source files before tests; lines in order.
 */
export function findReferences(
  store: IndexStore,
  context: SymbolContext,
  name: string,
  options: FindReferencesOptions,
): { results: ReferenceMatch[]; truncated: boolean; fileCount: number } {
  const codebaseId = context.codebase.id;
  const safe = termSafe(name);
  const results: ReferenceMatch[] = [];
  const visited = new Set<number>();
  let truncated = false;
  /** Pages through the files matching `match` (in id order), `visit`ing the new ones until it says stop. */
  const pageThrough = (match: string, visit: (candidate: Candidate) => boolean): void => {
    let after = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const ids = store.symbols.matchingFiles(codebaseId, match, PAGE, after);
      if (ids.length === 0) return;
      after = ids[ids.length - 1]!;
      const fresh = ids.filter((id) => !visited.has(id));
      for (const id of fresh) visited.add(id);
      for (const candidate of candidates(store, fresh, context)) if (!visit(candidate)) return;
      if (ids.length < PAGE) return;
    }
  };
  const definitionTerm = (test: boolean): string => `"${familyDigit(TERM.definitionExact, test)}${exactPayload(safe)}"`;
  if (options.includeDefinitions) {
    for (const test of [false, true]) {
      let after = 0;
      for (let page = 0; page < MAX_PAGES && results.length <= options.limit; page++) {
        const ids = store.symbols.matchingFiles(codebaseId, definitionTerm(test), PAGE, after);
        if (ids.length === 0) break;
        after = ids[ids.length - 1]!;
        for (const candidate of candidates(store, ids, context)) {
          for (const definition of candidate.definitions()) if (definition.name === name) results.push(definitionResult(store, candidate, definition));
        }
        if (ids.length < PAGE) break;
      }
    }
  }
  const addUses = (candidate: Candidate): boolean => {
    if (results.length >= options.limit) {
      truncated = true;
      return false;
    }
    results.push(...usesIn(store, candidate, name, options.limit - results.length, () => (truncated = true)));
    return true;
  };
  // Files that define the name, then files that use its exact spelling, then other spellings; sources before tests.
  const queries = [
    ...[false, true].map(definitionTerm),
    ...[false, true].map((test) => `"${familyDigit(TERM.referenceExact, test)}${exactPayload(safe)}"`),
    ...[false, true].map((test) => `"${familyDigit(TERM.reference, test)}${safe}"`),
  ];
  for (const match of queries) {
    if (truncated || results.length > options.limit) break;
    pageThrough(match, addUses);
  }
  const fileCount = store.symbols.countMatching(codebaseId, `"${familyDigit(TERM.reference, false)}${safe}" OR "${familyDigit(TERM.reference, true)}${safe}"`, COUNT_CAP);
  return { results: results.slice(0, options.limit), truncated: truncated || results.length > options.limit, fileCount };
}

/** The files' stored symbols in the order given, within the requested sub-folder. */
function candidates(store: IndexStore, fileIds: readonly number[], context: SymbolContext): Candidate[] {
  const byId = new Map(store.symbols.ofFiles(fileIds).map((file) => [file.fileId, file]));
  const ordered = fileIds.map((id) => byId.get(id)).filter((file): file is StoredFileSymbols => !!file && context.inScope(file.path));
  ordered.sort((a, b) => Number(isTestPath(a.path)) - Number(isTestPath(b.path)) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return ordered.map((file) => {
    let decoded: SymbolDefinition[] | undefined;
    return { file, definitions: () => (decoded ??= decodeDefinitions(file.definitions)) };
  });
}

/** The uses of `name` (any case) in one file, exact spellings first, at most `room` of them. */
function usesIn(store: IndexStore, candidate: Candidate, name: string, room: number, onCut: () => void): ReferenceMatch[] {
  const spellings = referenceLines(candidate.file.references, name);
  const occurrences: { line: number; exactCase: boolean }[] = [];
  for (const [spelling, lines] of spellings) for (const line of lines) occurrences.push({ line, exactCase: spelling === name });
  occurrences.sort((a, b) => Number(b.exactCase) - Number(a.exactCase) || a.line - b.line);
  if (occurrences.length > room) onCut();
  const kept = occurrences.slice(0, room);
  if (kept.length === 0) return [];
  const texts = lineTexts(store, candidate.file.fileId, Math.min(...kept.map((o) => o.line)), Math.max(...kept.map((o) => o.line)));
  const test = isTestPath(candidate.file.path);
  return kept.map(({ line, exactCase }) => {
    const enclosing = innermostAt(candidate.definitions(), line);
    return {
      file: candidate.file.path,
      line,
      text: displayLine(texts.get(line)),
      language: candidate.file.language,
      exactCase,
      definition: false,
      ...(enclosing ? { enclosing: { name: enclosing.name, kind: enclosing.kind, line: enclosing.line } } : {}),
      test,
    };
  });
}

function definitionResult(store: IndexStore, candidate: Candidate, definition: SymbolDefinition): ReferenceMatch {
  const outer = innermostAt(
    candidate.definitions().filter((other) => other !== definition),
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
    test: isTestPath(candidate.file.path),
  };
}
