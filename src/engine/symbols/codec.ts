import { identifierParts } from '../tokenize.ts';
import { isSymbolKind, type FileSymbols, type SymbolDefinition } from './symbol.ts';

/**
 * How a file's symbols are stored: one row per file (definitions and
 * references as compact text) and one document per file in the codebase's
 * symbol search table, whose terms say which names the file defines and uses.
 * One row and one document per file keep indexing cheap: a row per
 * definition or per (file, name) costs a random B-tree insert each, which on
 * the bench corpus took longer than the whole budget for symbols.
 */

/** `kind \t name \t container \t line \t startLine \t endLine`, one definition a line. */
export function encodeDefinitions(definitions: readonly SymbolDefinition[]): string {
  return definitions
    .map((definition) =>
      [definition.kind, definition.name, (definition.container ?? '').replace(/\s+/g, ' '), definition.line, definition.startLine, definition.endLine].join('\t'),
    )
    .join('\n');
}

export function decodeDefinitions(encoded: string): SymbolDefinition[] {
  return definitionsNamed(encoded, () => true);
}

/**
 * The definitions whose name passes `accepts`; the others are not decoded
 * (a declaration file can hold thousands).
 */
export function definitionsNamed(encoded: string, accepts: (name: string) => boolean): SymbolDefinition[] {
  const definitions: SymbolDefinition[] = [];
  let start = 0;
  while (start < encoded.length) {
    let end = encoded.indexOf('\n', start);
    if (end === -1) end = encoded.length;
    const nameStart = encoded.indexOf('\t', start) + 1;
    const nameEnd = encoded.indexOf('\t', nameStart);
    if (nameStart > 0 && nameEnd !== -1 && nameEnd < end && accepts(encoded.slice(nameStart, nameEnd))) {
      const definition = decodeRow(encoded.slice(start, end));
      if (definition) definitions.push(definition);
    }
    start = end + 1;
  }
  return definitions;
}

function decodeRow(row: string): SymbolDefinition | undefined {
  const [kind = '', name = '', container = '', line, startLine, endLine] = row.split('\t');
  if (!isSymbolKind(kind)) return undefined;
  return { name, kind, ...(container ? { container } : {}), line: Number(line), startLine: Number(startLine), endLine: Number(endLine) };
}

/** `name \t line,+delta,+delta…`, one name a line, lines as differences from the previous one. */
export function encodeReferences(references: ReadonlyMap<string, readonly number[]>): string {
  const rows: string[] = [];
  for (const [name, lines] of references) {
    let previous = 0;
    const deltas = lines.map((line) => {
      const delta = line - previous;
      previous = line;
      return delta;
    });
    rows.push(`${name}\t${deltas.join(',')}`);
  }
  return rows.join('\n');
}

/** The lines on which `encoded` (a file's references) uses `name`, in each spelling (any case). */
export function referenceLines(encoded: string, name: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const rows = new RegExp(`(?:^|\\n)(${escapeRegExp(name)})\\t([^\\n]*)`, 'gi');
  for (let match = rows.exec(encoded); match; match = rows.exec(encoded)) {
    let line = 0;
    found.set(
      match[1]!,
      match[2]!.split(',').map((delta) => (line += Number(delta))),
    );
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ── search terms ────────────────────────────────────────────────────────────

/**
 * Term families in the symbol search table. Each term is a family digit and a
 * payload; files under test folders use the second set, so that a query can
 * ask for source files first without reading any path.
 */
export const TERM = {
  definitionExact: 0,
  definition: 1,
  definitionHumps: 2,
  referenceExact: 3,
  reference: 4,
} as const;
const TEST_OFFSET = 5;

export type TermFamily = (typeof TERM)[keyof typeof TERM];

/** A term of `family` for files that are tests or not. */
export function familyDigit(family: TermFamily, test: boolean): number {
  return family + (test ? TEST_OFFSET : 0);
}

/**
 * The exact spelling of a name as a term the (case-folding) tokenizer keeps:
 * the lower-case name, then which characters were upper case (a hex bit mask).
 */
export function exactPayload(name: string): string {
  let mask = 0n;
  let bit = 1n;
  for (let index = 0; index < name.length; index++, bit <<= 1n) {
    const code = name.charCodeAt(index);
    if (code >= 65 && code <= 90) mask |= bit;
  }
  return `${name.toLowerCase()}0${mask.toString(16)}`;
}

/** The initials of a name's parts (`StreamableHTTPClientTransport` → `shct`), when it has two or more. */
export function humpsPayload(name: string): string | undefined {
  const parts = identifierParts(name);
  return parts.length >= 2 ? parts.map((part) => part[0]).join('') : undefined;
}

/** A name as one term: characters the tokenizer would split at (`~`, `.`, `\\`, `::`) become `_`. */
export function termSafe(name: string): string {
  return name.replace(/[^\p{L}\p{N}_$]/gu, '_');
}

/** The document of one file in the symbol search table. */
export function searchDocument(symbols: FileSymbols, test: boolean): string {
  const terms: string[] = [];
  const defined = new Set(symbols.definitions.map((definition) => definition.name));
  for (const definedName of defined) {
    const name = termSafe(definedName);
    terms.push(`${familyDigit(TERM.definitionExact, test)}${exactPayload(name)}`, `${familyDigit(TERM.definition, test)}${name}`);
    const humps = humpsPayload(name);
    if (humps) terms.push(`${familyDigit(TERM.definitionHumps, test)}${humps}`);
  }
  for (const used of symbols.references.keys()) {
    const name = termSafe(used);
    terms.push(`${familyDigit(TERM.referenceExact, test)}${exactPayload(name)}`, `${familyDigit(TERM.reference, test)}${name}`);
  }
  return terms.join(' ');
}
