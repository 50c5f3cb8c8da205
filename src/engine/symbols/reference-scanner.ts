import { KEYWORDS } from './keywords.ts';
import { LEXICAL_PROFILES, type LexicalProfile } from './lexical-profiles.ts';

/**
 * Finds the identifiers a file uses, with their lines, by scanning its text
 * with each language's rules for comments and strings (skipped; code inside
 * `${…}`, f-string `{…}` and Ruby `#{…}` holes is read).
 *
 * Why a scanner and not the syntax tree: walking every node of every tree
 * through the WASM boundary costs about as much again as a fifth of the parse
 * (measured on the bench corpus), far over the indexing budget, while this
 * scan reads each character once in plain JavaScript. The tree still gives
 * the definitions (see extract-definitions.ts).
 *
 * Names shorter than two characters, longer than MAX_NAME_LENGTH, and the
 * language's reserved words are not recorded.
 */
export function scanReferences(text: string, languageId: string): Map<string, number[]> {
  return scanCode(text, languageId, EMPTY).references;
}

/**
 * Scans a file for its references, and notes where in its code (not in
 * comments or strings) the words of `marked` occur (`=>` may be one): the
 * definition walker reads only the parts of the tree that hold one.
 */
export function scanCode(text: string, languageId: string, marked: ReadonlySet<string>): { references: Map<string, number[]>; marks: CodeMarks } {
  const profile = LEXICAL_PROFILES[languageId];
  const keywords = KEYWORDS[languageId];
  if (!profile || !keywords) return { references: new Map(), marks: { words: [], arrows: [] } };
  const scanner = new Scanner(text, profile, keywords, marked);
  scanner.scanFile();
  const ascending = (a: number, b: number): number => a - b;
  return { references: scanner.references, marks: { words: scanner.marks.sort(ascending), arrows: scanner.arrows.sort(ascending) } };
}

/** Sorted offsets, in code, of the marked words and (when `=>` is marked) of arrows. */
export interface CodeMarks {
  readonly words: readonly number[];
  readonly arrows: readonly number[];
}

const EMPTY: ReadonlySet<string> = new Set();

export function hasReferenceScanner(languageId: string): boolean {
  return languageId in LEXICAL_PROFILES;
}

const MAX_NAME_LENGTH = 120;
/** Holes inside strings inside holes…: deeper nesting is read as string. */
const MAX_HOLE_DEPTH = 16;

/** Keywords after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await', 'if', 'unless', 'when', 'and', 'or', 'not']);
const PYTHON_STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);
const CPP_RAW_PREFIXES = new Set(['R', 'u8R', 'uR', 'UR', 'LR']);
const RUST_RAW_PREFIXES = new Set(['r', 'br', 'cr']);

/** Character codes the scanner tests. */
const C = {
  TAB: 9, NEWLINE: 10, CARRIAGE_RETURN: 13, SPACE: 32, BANG: 33, QUOTE: 34, HASH: 35, DOLLAR: 36, PERCENT: 37,
  APOSTROPHE: 39, OPEN_PAREN: 40, CLOSE_PAREN: 41, STAR: 42, SLASH: 47, COLON: 58, LESS: 60, EQUALS: 61, GREATER: 62,
  QUESTION: 63, AT: 64, OPEN_BRACKET: 91, BACKSLASH: 92, CLOSE_BRACKET: 93, UNDERSCORE: 95, BACKTICK: 96,
  OPEN_BRACE: 123, CLOSE_BRACE: 125,
} as const;

const KEYWORD = 1;
const MARKED = 2;
const specialTables = new WeakMap<ReadonlySet<string>, WeakMap<ReadonlySet<string>, ReadonlyMap<string, number>>>();

/** The reserved and marked words of a scan, built once per pair of sets. */
function specialWords(keywords: ReadonlySet<string>, marked: ReadonlySet<string>): ReadonlyMap<string, number> {
  let byMarked = specialTables.get(keywords);
  if (!byMarked) specialTables.set(keywords, (byMarked = new WeakMap()));
  let table = byMarked.get(marked);
  if (!table) {
    const words = new Map<string, number>();
    for (const word of keywords) words.set(word, KEYWORD);
    for (const word of marked) words.set(word, (words.get(word) ?? 0) | MARKED);
    byMarked.set(marked, (table = words));
  }
  return table;
}

/** Character classes of ASCII codes, looked up rather than compared: the scanner's innermost test. */
const START = 1;
const PART = 2;
const DOLLAR_START = 4;
const SPACE = 8;
const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
    if (letter) table[code] = START | PART | DOLLAR_START;
    else if (code >= 48 && code <= 57) table[code] = PART;
    else if (code === 32 || code === 10 || code === 9 || code === 13) table[code] = SPACE;
  }
  table[36] = DOLLAR_START; // `$`: starts (and continues) a name only where the language says so
  return table;
})();

function isIdentifierStart(code: number, dollar: boolean): boolean {
  if (code < 128) return (ASCII_CLASS[code]! & (dollar ? DOLLAR_START : START)) !== 0;
  return !isUnicodeSpace(code);
}

function isIdentifierPart(code: number, dollar: boolean): boolean {
  if (code < 128) return (ASCII_CLASS[code]! & (dollar ? PART | DOLLAR_START : PART)) !== 0;
  return !isUnicodeSpace(code);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUnicodeSpace(code: number): boolean {
  return code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200b) || code === 0x3000;
}

class Scanner {
  readonly references = new Map<string, number[]>();
  /** Offsets of the marked words, and of `=>`, in scan order. */
  readonly marks: number[] = [];
  readonly arrows: number[] = [];
  private readonly text: string;
  private readonly profile: LexicalProfile;
  private readonly keywords: ReadonlySet<string>;
  private readonly marked: ReadonlySet<string>;
  private readonly marksArrows: boolean;
  /** Reserved and marked words in one table (one lookup per identifier): KEYWORD | MARKED bits. */
  private readonly special: ReadonlyMap<string, number>;
  private pos = 0;
  /** Whether the last token ends a value (so a `/` divides, a `<<` shifts). */
  private afterValue = false;
  private holeDepth = 0;
  /** Line numbering: `lineNumber` is the line of offset `lineStart`…`nextNewline`. */
  private lineNumber = 1;
  private nextNewline: number;

  constructor(text: string, profile: LexicalProfile, keywords: ReadonlySet<string>, marked: ReadonlySet<string>) {
    this.text = text;
    this.profile = profile;
    this.keywords = keywords;
    this.marked = marked;
    this.marksArrows = marked.has('=>');
    this.special = specialWords(keywords, marked);
    this.nextNewline = text.indexOf('\n');
  }

  scanFile(): void {
    if (this.profile.phpTags && !this.enterPhp()) return;
    this.scanCode(false);
  }

  /**
   * Scans code until the end, or (in a hole) until the `}` that closes it,
   * which it consumes.
   */
  private scanCode(inHole: boolean): void {
    const { text, profile } = this;
    const length = text.length;
    let braces = 0;
    while (this.pos < length) {
      const code = text.charCodeAt(this.pos);
      const kind = code < 128 ? ASCII_CLASS[code]! : 0;
      if (kind === SPACE) {
        this.pos++;
        continue;
      }
      if (kind & (profile.dollarInIdentifiers ? DOLLAR_START : START) || (code >= 128 && !isUnicodeSpace(code))) {
        this.identifierOrPrefixedString();
        continue;
      }
      if (isDigit(code)) {
        this.number();
        continue;
      }
      switch (code) {
        case C.SLASH:
          if (this.slash()) continue;
          break;
        case C.HASH:
          if (this.hash()) continue;
          break;
        case C.QUOTE:
          this.doubleQuoted();
          continue;
        case C.APOSTROPHE:
          this.singleQuoted();
          continue;
        case C.BACKTICK:
          if (this.backtick()) continue;
          break;
        case C.AT:
        case C.DOLLAR:
          if (this.sigilOrCSharpString(code)) continue;
          break;
        case C.PERCENT:
          if (profile.rubyLiterals && !this.afterValue && this.rubyPercentLiteral()) continue;
          break;
        case C.LESS:
          if (this.heredoc()) continue;
          break;
        case C.QUESTION:
          if (profile.phpTags && text.charCodeAt(this.pos + 1) === C.GREATER) {
            this.pos += 2;
            if (!this.enterPhp()) return;
            continue;
          }
          break;
        case C.EQUALS:
          if (this.marksArrows && text.charCodeAt(this.pos + 1) === C.GREATER) this.arrows.push(this.pos);
          if (profile.rubyLiterals && this.atLineStart() && text.startsWith('=begin', this.pos)) {
            this.skipRubyBlockComment();
            continue;
          }
          break;
        case C.OPEN_BRACE:
          braces++;
          break;
        case C.CLOSE_BRACE:
          if (inHole && braces === 0) {
            this.pos++;
            return;
          }
          braces--;
          break;
      }
      this.afterValue = code === C.CLOSE_PAREN || code === C.CLOSE_BRACKET || code === C.CLOSE_BRACE;
      this.pos++;
    }
  }

  // ── identifiers and numbers ─────────────────────────────────────────────

  private identifierOrPrefixedString(): void {
    const { text, profile } = this;
    const start = this.pos;
    const dollar = profile.dollarInIdentifiers;
    let end = start + 1;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (code < 128 ? (ASCII_CLASS[code]! & (dollar ? PART | DOLLAR_START : PART)) === 0 : isUnicodeSpace(code)) break;
    }
    const next = text.charCodeAt(end);
    if (next === C.QUOTE || next === C.APOSTROPHE) {
      const word = text.slice(start, end);
      if (profile.pythonStrings && PYTHON_STRING_PREFIXES.has(word.toLowerCase())) {
        this.pos = end;
        this.pythonString(/f/i.test(word), /r/i.test(word));
        return;
      }
      if (profile.cppRawStrings && next === C.QUOTE && CPP_RAW_PREFIXES.has(word)) {
        this.pos = end;
        this.cppRawString();
        return;
      }
      if (profile.rustRawStrings && next === C.QUOTE && RUST_RAW_PREFIXES.has(word)) {
        this.pos = end;
        this.rustRawString();
        return;
      }
      if (profile.singleQuote === 'rust' && (word === 'b' || word === 'c')) {
        // b"bytes", b'x', c"text": the quote scanner takes it from here.
        this.pos = end;
        return;
      }
    }
    if (profile.rustRawStrings && next === C.HASH && RUST_RAW_PREFIXES.has(text.slice(start, end)) && /^#+"/.test(text.slice(end, end + 8))) {
      this.pos = end;
      this.rustRawString();
      return;
    }
    this.pos = end;
    this.record(start, end);
  }

  private record(start: number, end: number): void {
    const length = end - start;
    if (length < 2) {
      // No reserved word or recorded name has one character.
      this.afterValue = true;
      return;
    }
    const name = this.text.slice(start, end);
    const special = this.special.get(name);
    if (special !== undefined) {
      if (special & MARKED) this.marks.push(start);
      if (special & KEYWORD) {
        this.afterValue = !REGEX_AFTER.has(name);
        return;
      }
    }
    this.afterValue = true;
    if (length > MAX_NAME_LENGTH) return;
    const line = this.lineAt(start);
    const lines = this.references.get(name);
    if (!lines) this.references.set(name, [line]);
    else if (lines[lines.length - 1] !== line) lines.push(line);
  }

  /** `42`, `0x1F`, `1e10`, `3.14f`, `10n`, `1'000` (C++). */
  private number(): void {
    const { text } = this;
    let end = this.pos + 1;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (isIdentifierPart(code, false) || code === 46) continue;
      if (this.profile.digitSeparators && code === C.APOSTROPHE && isDigit(text.charCodeAt(end + 1))) continue;
      break;
    }
    this.pos = end;
    this.afterValue = true;
  }

  /** `$x`, `@x`, `@@x` (Ruby, PHP); `@"…"`, `$"…"` (C#). Returns false when it is neither. */
  private sigilOrCSharpString(code: number): boolean {
    const { text, profile } = this;
    if (profile.csharpStrings) return this.csharpString();
    if (!profile.sigils.includes(String.fromCharCode(code))) return false;
    let start = this.pos + 1;
    while (start < text.length && profile.sigils.includes(text[start]!)) start++;
    if (!isIdentifierStart(text.charCodeAt(start), false)) return false;
    let end = start + 1;
    while (end < text.length && isIdentifierPart(text.charCodeAt(end), false)) end++;
    this.pos = end;
    this.record(start, end);
    return true;
  }

  // ── comments ────────────────────────────────────────────────────────────

  /** `//…`, `/*…*\/`, or a regular expression. Returns false for a plain `/`. */
  private slash(): boolean {
    const { text, profile } = this;
    const next = text.charCodeAt(this.pos + 1);
    if (profile.slashComments && next === C.SLASH) {
      this.skipToLineEnd();
      return true;
    }
    if (profile.slashComments && next === C.STAR) {
      this.skipBlockComment();
      return true;
    }
    if (profile.regexLiterals && !this.afterValue) return this.regex();
    return false;
  }

  /** `#` comments, `#include <…>` lines; false for anything else (`#[attr]`, other directives). */
  private hash(): boolean {
    const { text, profile } = this;
    if (profile.hashComments) {
      if (profile.phpTags && text.charCodeAt(this.pos + 1) === C.OPEN_BRACKET) return false;
      this.skipToLineEnd();
      return true;
    }
    if (profile.cPreprocessor && /^#\s*(?:include|import)\b/.test(text.slice(this.pos, this.pos + 20))) {
      this.skipToLineEnd();
      return true;
    }
    return false;
  }

  private skipToLineEnd(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  private skipBlockComment(): void {
    const { text } = this;
    if (!this.profile.nestedBlockComments) {
      const end = text.indexOf('*/', this.pos + 2);
      this.pos = end === -1 ? text.length : end + 2;
      return;
    }
    let depth = 0;
    while (this.pos < text.length) {
      if (text.startsWith('/*', this.pos)) {
        depth++;
        this.pos += 2;
      } else if (text.startsWith('*/', this.pos)) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        this.pos++;
      }
    }
  }

  private skipRubyBlockComment(): void {
    const end = this.text.indexOf('\n=end', this.pos);
    this.pos = end === -1 ? this.text.length : end + 5;
  }

  // ── strings ─────────────────────────────────────────────────────────────

  private doubleQuoted(): void {
    const { profile, text } = this;
    if (profile.tripleQuotes && text.startsWith('"""', this.pos)) {
      this.skipPast('"""', this.pos + 3);
    } else if (profile.rubyLiterals) {
      this.pos++;
      this.stringWithHoles('"', '#{', true);
    } else {
      this.pos++;
      this.skipQuoted(C.QUOTE, profile.multilineStrings);
    }
    this.afterValue = true;
  }

  private singleQuoted(): void {
    const { profile, text } = this;
    if (profile.singleQuote === 'rust') {
      this.rustQuote();
      return;
    }
    if (profile.tripleQuotes && profile.pythonStrings && text.startsWith("'''", this.pos)) {
      this.skipPast("'''", this.pos + 3);
    } else {
      this.pos++;
      // A character literal never spans lines; nor does a string in most languages.
      this.skipQuoted(C.APOSTROPHE, profile.singleQuote === 'string' && profile.multilineStrings);
    }
    this.afterValue = true;
  }

  /** Skips to after the closing `quote` (backslash escapes); stops at a line end unless `multiline`. */
  private skipQuoted(quote: number, multiline: boolean): void {
    const { text } = this;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === C.BACKSLASH) {
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (code === quote) return;
      if (code === C.NEWLINE && !multiline) return;
    }
  }

  private skipPast(delimiter: string, from: number): void {
    const end = this.text.indexOf(delimiter, from);
    this.pos = end === -1 ? this.text.length : end + delimiter.length;
  }

  /**
   * A string whose `hole` (`${`, `#{`, `{`) opens code up to the matching
   * `}`; `closing` ends it. Backslash escapes; `doubledBraces` makes `{{` a
   * literal brace (C#, Python f-strings).
   */
  private stringWithHoles(closing: string, hole: string, multiline: boolean, doubledBraces = false, escapes = true): void {
    const { text } = this;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === C.BACKSLASH && escapes) {
        this.pos += 2;
        continue;
      }
      if (text.startsWith(closing, this.pos)) {
        this.pos += closing.length;
        return;
      }
      if (code === C.NEWLINE && !multiline) {
        this.pos++;
        return;
      }
      if (doubledBraces && (text.startsWith('{{', this.pos) || text.startsWith('}}', this.pos))) {
        this.pos += 2;
        continue;
      }
      if (text.startsWith(hole, this.pos) && this.holeDepth < MAX_HOLE_DEPTH) {
        this.pos += hole.length;
        this.holeDepth++;
        this.scanCode(true);
        this.holeDepth--;
        continue;
      }
      this.pos++;
    }
  }

  /** `` `…${code}…` `` (JavaScript), `` `raw` `` (Go), `` `command #{code}` `` (Ruby). */
  private backtick(): boolean {
    const { profile } = this;
    if (profile.templateLiterals) {
      this.pos++;
      this.stringWithHoles('`', '${', true);
    } else if (profile.goRawStrings) {
      this.skipPast('`', this.pos + 1);
    } else if (profile.rubyLiterals) {
      this.pos++;
      this.stringWithHoles('`', '#{', true);
    } else {
      return false;
    }
    this.afterValue = true;
    return true;
  }

  private pythonString(formatted: boolean, raw: boolean): void {
    const { text } = this;
    const quote = text[this.pos]!;
    const triple = text.startsWith(quote.repeat(3), this.pos);
    const closing = triple ? quote.repeat(3) : quote;
    this.pos += closing.length;
    if (formatted) this.stringWithHoles(closing, '{', triple, true, !raw);
    else if (triple) this.skipPast(closing, this.pos);
    else if (raw) this.skipPastOnLine(quote);
    else this.skipQuoted(quote.charCodeAt(0), false);
    this.afterValue = true;
  }

  private skipPastOnLine(quote: string): void {
    const end = this.text.indexOf(quote, this.pos);
    const newline = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 || (newline !== -1 && newline < end) ? (newline === -1 ? this.text.length : newline) : end + 1;
  }

  /** `R"delim(…)delim"` */
  private cppRawString(): void {
    const { text } = this;
    const open = text.indexOf('(', this.pos);
    const delimiter = open === -1 ? '' : text.slice(this.pos + 1, open);
    if (open === -1 || delimiter.length > 16 || /[\s\\)]/.test(delimiter)) {
      this.pos++;
      this.skipQuoted(C.QUOTE, false);
    } else {
      this.skipPast(`)${delimiter}"`, open + 1);
    }
    this.afterValue = true;
  }

  /** `r"…"`, `r#"…"#` (any number of #). */
  private rustRawString(): void {
    const { text } = this;
    let hashes = 0;
    while (text.charCodeAt(this.pos + hashes) === C.HASH) hashes++;
    this.skipPast(`"${'#'.repeat(hashes)}`, this.pos + hashes + 1);
    this.afterValue = true;
  }

  /** `'a'`, `'\n'`, `'\u{1F600}'` are characters; `'a` in `&'a str` is a lifetime (skipped with its name). */
  private rustQuote(): void {
    const { text } = this;
    const next = text.charCodeAt(this.pos + 1);
    if (next === C.BACKSLASH) {
      this.pos++;
      this.skipQuoted(C.APOSTROPHE, false);
    } else if (text.charCodeAt(this.pos + 2) === C.APOSTROPHE || (next >= 0xd800 && next <= 0xdbff && text.charCodeAt(this.pos + 3) === C.APOSTROPHE)) {
      this.pos += next >= 0xd800 && next <= 0xdbff ? 4 : 3;
    } else {
      let end = this.pos + 1;
      while (end < text.length && isIdentifierPart(text.charCodeAt(end), false)) end++;
      this.pos = Math.max(end, this.pos + 1);
    }
    this.afterValue = true;
  }

  /** `@"verbatim ""quoted"""`, `$"interpolated {code}"`, `$@"…"`, `@$"…"`. False for `@name`. */
  private csharpString(): boolean {
    const { text } = this;
    const prefix = /^(?:\$+@?|@\$+|@)"/.exec(text.slice(this.pos, this.pos + 8))?.[0];
    if (!prefix) {
      this.pos++; // `@class`: a verbatim identifier; the name follows
      return true;
    }
    const verbatim = prefix.includes('@');
    const interpolated = prefix.includes('$');
    this.pos += prefix.length;
    if (text.startsWith('""', this.pos) && !verbatim) {
      // $"""raw""": read to the closing quotes, holes included.
      this.pos += 2;
      this.stringWithHoles('"""', '{', true, false, false);
    } else if (verbatim && !interpolated) {
      while (this.pos < text.length) {
        const end = text.indexOf('"', this.pos);
        if (end === -1) {
          this.pos = text.length;
          break;
        }
        this.pos = end + 1;
        if (text.charCodeAt(this.pos) !== C.QUOTE) break;
        this.pos++;
      }
    } else {
      this.stringWithHoles('"', '{', verbatim, true, !verbatim);
    }
    this.afterValue = true;
    return true;
  }

  /** `%w[a b]`, `%i(…)`, `%q{…}`, `%Q<…>`, `%r{…}`, `%(…)`: skipped to the matching delimiter. */
  private rubyPercentLiteral(): boolean {
    const { text } = this;
    let at = this.pos + 1;
    if (/[wWiIqQrsx]/.test(text[at] ?? '')) at++;
    const open = text[at];
    if (!open || /[\w\s]/.test(open)) return false;
    const close = ({ '(': ')', '[': ']', '{': '}', '<': '>' } as Record<string, string>)[open] ?? open;
    let depth = 1;
    at++;
    while (at < text.length && depth > 0) {
      const char = text[at]!;
      if (char === '\\') at++;
      else if (char === close) depth--;
      else if (char === open && open !== close) depth++;
      at++;
    }
    this.pos = at;
    this.afterValue = true;
    return true;
  }

  /** Ruby `<<~EOS`, `<<-EOS`, `<<EOS` and PHP `<<<EOS` / `<<<'EOS'`: skipped to the closing line. */
  private heredoc(): boolean {
    const { text, profile } = this;
    let match: RegExpExecArray | null = null;
    if (profile.phpTags) match = /^<<<[ \t]*(["']?)([A-Za-z_]\w*)\1/.exec(text.slice(this.pos, this.pos + 80));
    else if (profile.rubyLiterals) {
      match = /^<<([~-])(["'`]?)([A-Za-z_]\w*)\2/.exec(text.slice(this.pos, this.pos + 80)) ??
        (this.afterValue ? null : /^<<()(["'`]?)([A-Z_][A-Z0-9_]*)\2/.exec(text.slice(this.pos, this.pos + 80)));
    }
    if (!match) return false;
    const terminator = match[match.length - 1]!;
    // The body starts on the next line; the rest of this line is code.
    const lineEnd = text.indexOf('\n', this.pos);
    if (lineEnd === -1) {
      this.pos = text.length;
      return true;
    }
    const restOfLine = text.slice(this.pos + match[0].length, lineEnd);
    const closing = new RegExp(`^[ \\t]*${terminator}\\b`, 'm');
    const body = closing.exec(text.slice(lineEnd + 1));
    const bodyEnd = body ? lineEnd + 1 + body.index + body[0].length : text.length;
    // Read the code after the opener on its line, then jump over the body.
    const saved = this.pos + match[0].length;
    this.pos = saved;
    if (restOfLine.trim() !== '') this.scanRange(lineEnd);
    this.pos = Math.max(this.pos, bodyEnd);
    this.afterValue = true;
    return true;
  }

  /** Scans code up to `end` (the rest of a heredoc's opening line). */
  private scanRange(end: number): void {
    const rest = new Scanner(this.text.slice(0, end), this.profile, this.keywords, this.marked);
    rest.pos = this.pos;
    rest.lineNumber = this.lineAt(this.pos);
    rest.nextNewline = this.text.indexOf('\n', this.pos);
    rest.scanCode(false);
    this.marks.push(...rest.marks);
    this.arrows.push(...rest.arrows);
    for (const [name, lines] of rest.references) {
      const mine = this.references.get(name);
      if (!mine) this.references.set(name, lines);
      else for (const line of lines) if (mine[mine.length - 1] !== line) mine.push(line);
    }
    this.pos = end;
  }

  /** A regular expression literal on one line; false (a division) when it does not close. */
  private regex(): boolean {
    const { text } = this;
    let at = this.pos + 1;
    let inClass = false;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === C.NEWLINE) return false;
      if (code === C.BACKSLASH) {
        at += 2;
        continue;
      }
      if (code === C.OPEN_BRACKET) inClass = true;
      else if (code === C.CLOSE_BRACKET) inClass = false;
      else if (code === C.SLASH && !inClass) break;
      at++;
    }
    if (at >= text.length) return false;
    at++;
    while (at < text.length && isIdentifierPart(text.charCodeAt(at), false)) at++;
    this.pos = at;
    this.afterValue = true;
    return true;
  }

  /** Moves past HTML to the next `<?php` / `<?=`; false when there is none. */
  private enterPhp(): boolean {
    const open = this.text.indexOf('<?', this.pos);
    if (open === -1) return false;
    this.pos = open + 2;
    if (this.text.startsWith('php', this.pos)) this.pos += 3;
    else if (this.text.charCodeAt(this.pos) === C.EQUALS) this.pos++;
    this.afterValue = false;
    return true;
  }

  // ── lines ───────────────────────────────────────────────────────────────

  /** The 1-based line of `offset`; offsets are asked in increasing order. */
  private lineAt(offset: number): number {
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.lineNumber++;
      this.nextNewline = this.text.indexOf('\n', this.nextNewline + 1);
    }
    return this.lineNumber;
  }

  private atLineStart(): boolean {
    return this.pos === 0 || this.text.charCodeAt(this.pos - 1) === C.NEWLINE;
  }
}
