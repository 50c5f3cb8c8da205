/**
 * How each language writes comments and strings, for the reference scanner:
 * what it must skip so that only code is read. The rules follow each
 * language's grammar; `strings` lists the string forms beyond plain quotes.
 */
export interface LexicalProfile {
  /** `//` and `/* … *\/` comments. */
  readonly slashComments: boolean;
  /** `/* /* … *\/ *\/` nests (Rust). */
  readonly nestedBlockComments: boolean;
  /** `#` starts a comment (Python, Ruby, PHP — except PHP's `#[…]` attributes). */
  readonly hashComments: boolean;
  /** `'…'` is a string (or a one-character literal) rather than something else. */
  readonly singleQuote: 'string' | 'char' | 'rust';
  /** Plain quoted strings may span lines. */
  readonly multilineStrings: boolean;
  /** `$` is part of identifiers (JavaScript). */
  readonly dollarInIdentifiers: boolean;
  /** Sigils that start a variable name (`$x` in PHP, `@x`, `@@x`, `$x` in Ruby). */
  readonly sigils: string;
  readonly templateLiterals: boolean;
  readonly regexLiterals: boolean;
  readonly goRawStrings: boolean;
  readonly pythonStrings: boolean;
  readonly tripleQuotes: boolean;
  readonly csharpStrings: boolean;
  readonly cppRawStrings: boolean;
  readonly rustRawStrings: boolean;
  readonly rubyLiterals: boolean;
  readonly phpTags: boolean;
  readonly cPreprocessor: boolean;
  /** `1'000'000` (C++ digit separators). */
  readonly digitSeparators: boolean;
}

const BASE: LexicalProfile = {
  slashComments: true,
  nestedBlockComments: false,
  hashComments: false,
  singleQuote: 'char',
  multilineStrings: false,
  dollarInIdentifiers: false,
  sigils: '',
  templateLiterals: false,
  regexLiterals: false,
  goRawStrings: false,
  pythonStrings: false,
  tripleQuotes: false,
  csharpStrings: false,
  cppRawStrings: false,
  rustRawStrings: false,
  rubyLiterals: false,
  phpTags: false,
  cPreprocessor: false,
  digitSeparators: false,
};

const JAVASCRIPT: LexicalProfile = { ...BASE, singleQuote: 'string', dollarInIdentifiers: true, templateLiterals: true, regexLiterals: true };
const C_FAMILY: LexicalProfile = { ...BASE, cPreprocessor: true, cppRawStrings: true, digitSeparators: true };

export const LEXICAL_PROFILES: Record<string, LexicalProfile> = {
  javascript: JAVASCRIPT,
  typescript: JAVASCRIPT,
  tsx: JAVASCRIPT,
  python: { ...BASE, slashComments: false, hashComments: true, singleQuote: 'string', pythonStrings: true, tripleQuotes: true },
  go: { ...BASE, goRawStrings: true },
  rust: { ...BASE, nestedBlockComments: true, singleQuote: 'rust', multilineStrings: true, rustRawStrings: true },
  java: { ...BASE, tripleQuotes: true },
  c: C_FAMILY,
  cpp: C_FAMILY,
  csharp: { ...BASE, csharpStrings: true, tripleQuotes: true, cPreprocessor: true },
  ruby: {
    ...BASE,
    slashComments: false,
    hashComments: true,
    singleQuote: 'string',
    multilineStrings: true,
    sigils: '@$',
    regexLiterals: true,
    rubyLiterals: true,
  },
  php: { ...BASE, hashComments: true, singleQuote: 'string', multilineStrings: true, sigils: '$', phpTags: true },
};
