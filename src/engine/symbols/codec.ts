import type { FileSymbols, SymbolDefinition, SymbolKind } from './symbol.ts';

/**
 * How a file's symbols are stored: one row per file (definitions and
 * references as compact text) and one document per file in the codebase's
 * symbol search table, whose terms say which names the file defines and uses.
 * One row and one document per file keep indexing cheap: a row per
 * definition or per (file, name) costs a random B-tree insert each, which on
 * the bench corpus took longer than the whole budget for symbols.
 */

/** One letter per kind, in the stored rows. */
const KIND_LETTERS: Record<SymbolKind, string> = {
  function: 'f', method: 'm', class: 'c', interface: 'i', trait: 't', struct: 's', enum: 'e', type: 'y', module: 'd',
  namespace: 'n', constant: 'k', variable: 'v',
};
const KINDS_BY_LETTER = new Map(Object.entries(KIND_LETTERS).map(([kind, letter]) => [letter, kind as SymbolKind]));

/**
 * One definition a line: `kind-letter \t name \t container \t line \t
 * line - startLine \t endLine - line` (the differences are small numbers).
 */
export function encodeDefinitions(definitions: readonly SymbolDefinition[]): string {
  let encoded = '';
  for (const definition of definitions) {
    if (encoded.length > 0) encoded += '\n';
    const container = definition.container === undefined ? '' : /\s/.test(definition.container) ? definition.container.replace(/\s+/g, ' ') : definition.container;
    encoded += `${KIND_LETTERS[definition.kind]}\t${definition.name}\t${container}\t${definition.line}\t${definition.line - definition.startLine}\t${definition.endLine - definition.line}`;
  }
  return encoded;
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

/**
 * The definitions whose extent (start to end line) meets lines `first`…`last`;
 * the others are not decoded: a search result needs only the few around it,
 * and its file may define thousands.
 */
export function definitionsOverlapping(encoded: string, first: number, last: number): SymbolDefinition[] {
  const definitions: SymbolDefinition[] = [];
  let start = 0;
  while (start < encoded.length) {
    let end = encoded.indexOf('\n', start);
    if (end === -1) end = encoded.length;
    // The last three fields: line, lines before it, lines after it.
    const afterTab = encoded.lastIndexOf('\t', end - 1);
    const beforeTab = encoded.lastIndexOf('\t', afterTab - 1);
    const lineTab = encoded.lastIndexOf('\t', beforeTab - 1);
    if (lineTab >= start) {
      const line = Number(encoded.slice(lineTab + 1, beforeTab));
      const startLine = line - Number(encoded.slice(beforeTab + 1, afterTab));
      const endLine = line + Number(encoded.slice(afterTab + 1, end));
      if (startLine <= last && endLine >= first) {
        const definition = decodeRow(encoded.slice(start, end));
        if (definition) definitions.push(definition);
      }
    }
    start = end + 1;
  }
  return definitions;
}

function decodeRow(row: string): SymbolDefinition | undefined {
  const [letter = '', name = '', container = '', line, before, after] = row.split('\t');
  const kind = KINDS_BY_LETTER.get(letter);
  if (!kind) return undefined;
  const nameLine = Number(line);
  return { name, kind, ...(container ? { container } : {}), line: nameLine, startLine: nameLine - Number(before), endLine: nameLine + Number(after) };
}

/** `name \t line,+delta,+delta…`, one name a line, lines as differences from the previous one. */
export function encodeReferences(references: ReadonlyMap<string, readonly number[]>): string {
  let encoded = '';
  for (const [name, lines] of references) {
    if (encoded.length > 0) encoded += '\n';
    encoded += `${name}\t${lines[0]!}`;
    for (let index = 1; index < lines.length; index++) encoded += `,${lines[index]! - lines[index - 1]!}`;
  }
  return encoded;
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
 * name (the tokenizer folds case: the exact spelling is checked on the rows
 * read); files under test folders use the second set of digits, so that a
 * query can ask for source files first without reading any path.
 */
export const TERM = {
  definition: 0,
  definitionHumps: 1,
  reference: 2,
} as const;
const TEST_OFFSET = 3;

export type TermFamily = (typeof TERM)[keyof typeof TERM];

/** A term of `family` for files that are tests or not. */
export function familyDigit(family: TermFamily, test: boolean): number {
  return family + (test ? TEST_OFFSET : 0);
}

/**
 * The initials of a name's parts (`StreamableHTTPClientTransport` → `shct`),
 * when it has two or more: the parts of `identifierParts` (tokenize.ts), found
 * in one pass without regular expressions (this runs for every definition).
 */
export function humpsPayload(name: string): string | undefined {
  let initials = '';
  let inPart = false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code === 95 || code === 36) {
      inPart = false; // `_` and `$` separate parts
      continue;
    }
    const upper = code >= 65 && code <= 90;
    const previous = name.charCodeAt(index - 1);
    const afterLowerOrDigit = (previous >= 97 && previous <= 122) || (previous >= 48 && previous <= 57);
    const previousUpper = previous >= 65 && previous <= 90;
    const next = name.charCodeAt(index + 1);
    const beforeLower = next >= 97 && next <= 122;
    // A part starts after a separator, at lower→Upper, and at the last capital of a run before lower case (HTTPServer).
    if (!inPart || (upper && (afterLowerOrDigit || (previousUpper && beforeLower)))) {
      initials += upper ? String.fromCharCode(code + 32) : name[index];
      inPart = true;
    }
  }
  return initials.length >= 2 ? initials : undefined;
}

const PLAIN_NAME = /^[A-Za-z0-9_$]+$/;

/** A name as one term: characters the tokenizer would split at (`~`, `.`, `\\`, `::`) become `_`. */
export function termSafe(name: string): string {
  return PLAIN_NAME.test(name) ? name : name.replace(/[^\p{L}\p{N}_$]/gu, '_');
}

/** The document of one file in the symbol search table. */
export function searchDocument(symbols: FileSymbols, test: boolean): string {
  const definition = ` ${familyDigit(TERM.definition, test)}`;
  const humps = ` ${familyDigit(TERM.definitionHumps, test)}`;
  const reference = ` ${familyDigit(TERM.reference, test)}`;
  let document = '';
  const defined = new Set<string>();
  for (const { name } of symbols.definitions) {
    if (defined.has(name)) continue;
    defined.add(name);
    const safe = termSafe(name);
    document += definition + safe;
    const initials = humpsPayload(safe);
    if (initials) document += humps + initials;
  }
  for (const name of symbols.references.keys()) document += reference + termSafe(name);
  return document;
}
