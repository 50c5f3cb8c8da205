/**
 * Line offsets of a text, for cutting it into line ranges cheaply. Lines end
 * at "\n" (as tree-sitter counts rows); a "\r" before it is part of the line
 * ending, so CRLF files get the same rows and contents as LF files.
 */
export class LineIndex {
  readonly text: string;
  /** starts[i] is the offset of line i (0-based); starts[lineCount] is text.length + 1. */
  private readonly starts: number[];

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    let at = text.indexOf('\n');
    while (at !== -1) {
      starts.push(at + 1);
      at = text.indexOf('\n', at + 1);
    }
    // A trailing newline ends the last line rather than opening an empty one.
    const endsWithNewline = starts.length > 1 && starts[starts.length - 1] === text.length;
    if (endsWithNewline) starts.pop();
    // Every line's end offset is "next start - 1", as if each line had a newline.
    starts.push(endsWithNewline ? text.length : text.length + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length - 1;
  }

  /** Characters in rows first..last (0-based, inclusive), newline included. */
  size(first: number, last: number): number {
    return this.starts[last + 1]! - this.starts[first]!;
  }

  /** Text of rows first..last (0-based, inclusive) without the final line ending. */
  slice(first: number, last: number): string {
    let end = this.starts[last + 1]! - 1;
    if (end > this.starts[first]! && this.text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
    return this.text.slice(this.starts[first]!, end);
  }

  /** Whether row `row` holds nothing but whitespace. */
  isBlank(row: number): boolean {
    for (let at = this.starts[row]!, end = this.starts[row + 1]! - 1; at < end; at++) {
      if (!isWhitespace(this.text.charCodeAt(at))) return false;
    }
    return true;
  }
}

const CARRIAGE_RETURN = 13;

function isWhitespace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff;
}
