import type { LanguageInfo } from '../languages.ts';

/**
 * What only C++ has, at the start of a line: a class with a body or a base,
 * a namespace, a template, an access specifier, `using namespace`, or
 * `extern "C++"`. `#ifdef __cplusplus` is not among them: C headers have it
 * to be includable from C++.
 */
const CPP_ONLY = /^[ \t]*(?:(?:class|struct)[ \t]+\w+[ \t]*(?::[ \t]*(?:public|protected|private)\b|final\b)|class[ \t]+\w+[ \t]*\{|(?:inline[ \t]+)?namespace\b[ \t]*\w*[ \t]*\{|template[ \t]*<|(?:public|protected|private)[ \t]*:|using[ \t]+namespace\b|extern[ \t]+"C\+\+")/m;

/** What a file is parsed with, and the text the parser is given (see textForCGrammar). */
export interface ParseInput {
  readonly grammar: string | undefined;
  readonly text: string;
}

/**
 * The grammar that parses a file of `language`, and its input. A `.h` file
 * is C in C projects and C++ in C++ ones; the C grammar turns C++ classes and
 * templates into ERROR nodes, and the C++ grammar costs far more memory to
 * bring up (docs/indexing.md), so a C file (a header, in practice) is parsed
 * as C unless its text, outside its `#ifdef __cplusplus` branches, has
 * something only C++ has.
 */
export function parseInput(language: LanguageInfo, text: string): ParseInput {
  if (language.grammar !== 'c') return { grammar: language.grammar, text };
  const asC = textForCGrammar(text);
  return CPP_ONLY.test(asC) ? { grammar: 'cpp', text } : { grammar: 'c', text: asC };
}

/** `#ifdef __cplusplus`, `#if defined(__cplusplus)`: what follows is only for C++ compilers. */
const CPP_GUARD = /^[ \t]*#[ \t]*(?:ifdef[ \t]+__cplusplus|if[ \t]+defined[ \t]*\(?[ \t]*__cplusplus[ \t]*\)?)[ \t]*(?:\/[/*].*)?$/;
const OPENS = /^[ \t]*#[ \t]*if/;
const ENDS = /^[ \t]*#[ \t]*endif\b/;
const SWITCHES = /^[ \t]*#[ \t]*(?:else|elif|elifdef|elifndef)\b/;

/**
 * The text the C grammar parses: `text` with the lines of each
 * `#ifdef __cplusplus` branch blanked out, as a C compiler drops them.
 * Almost every C header has `extern "C" {` in one, and the C grammar, which
 * has no such construct, would wrap the whole header in an error. The
 * result has the same length and lines, so every node keeps its place and
 * its text; chunks and references are still taken from `text` itself.
 */
export function textForCGrammar(text: string): string {
  if (!text.includes('__cplusplus')) return text;
  const lines = text.split('\n');
  let depth = -1; // inside a C++-only branch: its #if nesting; -1 outside
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (depth < 0) {
      if (CPP_GUARD.test(line)) depth = 0;
      continue;
    }
    if (OPENS.test(line)) depth++;
    else if (ENDS.test(line) || (depth === 0 && SWITCHES.test(line))) {
      if (depth === 0) {
        depth = -1;
        continue;
      }
      if (ENDS.test(line)) depth--;
    }
    lines[index] = ' '.repeat(line.length);
  }
  return lines.join('\n');
}
