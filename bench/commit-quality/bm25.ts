import { STOP_WORDS } from '../quality.ts';

/**
 * The file-level BM25 baseline: each file is one document; its terms are the
 * words of its text (runs of letters, digits and "_"), each lower-cased whole
 * and also split at camelCase and snake_case boundaries; a query's terms are
 * made the same way, minus English stop words, each once. Deliberately plain
 * (no path terms, no tuning): it is what a careful grep-and-rank would do.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

const WORD = /[\p{L}\p{N}_]+/gu;
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/** The terms of a text, in order, with repeats: "parseHTTPConfig" → parsehttpconfig, parse, http, config. */
export function bm25Terms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    const whole = word.replace(/^_+|_+$/g, '').toLowerCase();
    if (whole.length < 2) continue;
    terms.push(whole);
    const parts = word.split('_').flatMap((piece) => piece.split(CAMEL_BOUNDARY)).map((part) => part.toLowerCase()).filter((part) => part.length >= 2);
    if (parts.length > 1) terms.push(...parts);
  }
  return terms;
}

/** A query's terms: its text's terms without stop words, each once. */
export function bm25QueryTerms(query: string): string[] {
  return [...new Set(bm25Terms(query).filter((term) => !STOP_WORDS.has(term)))];
}

export class Bm25FileBaseline {
  private readonly files: readonly string[];
  private readonly lengths: Float64Array;
  private readonly averageLength: number;
  /** term → [document index, term frequency, document index, term frequency, …] */
  private readonly postings = new Map<string, number[]>();

  constructor(documents: readonly { readonly file: string; readonly text: string }[]) {
    this.files = documents.map((document) => document.file);
    this.lengths = new Float64Array(documents.length);
    documents.forEach((document, index) => {
      const counts = new Map<string, number>();
      const terms = bm25Terms(document.text);
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      this.lengths[index] = terms.length;
      for (const [term, frequency] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push(index, frequency);
      }
    });
    this.averageLength = documents.length === 0 ? 0 : this.lengths.reduce((sum, length) => sum + length, 0) / documents.length;
  }

  /** Files with at least one query term, best first (ties by path). */
  rank(query: string): string[] {
    const scores = new Map<number, number>();
    const count = this.files.length;
    for (const term of bm25QueryTerms(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const documentFrequency = list.length / 2;
      const idf = Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
      for (let at = 0; at < list.length; at += 2) {
        const index = list[at]!;
        const frequency = list[at + 1]!;
        const norm = 1 - BM25_B + (BM25_B * this.lengths[index]!) / this.averageLength;
        scores.set(index, (scores.get(index) ?? 0) + (idf * frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * norm));
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || (this.files[a[0]]! < this.files[b[0]]! ? -1 : 1))
      .map(([index]) => this.files[index]!);
  }
}
