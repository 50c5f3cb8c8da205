/** Line offsets of a text, for cutting it into line ranges cheaply. */
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

  /** Text of rows first..last (0-based, inclusive) without the final newline. */
  slice(first: number, last: number): string {
    return this.text.slice(this.starts[first]!, this.starts[last + 1]! - 1);
  }
}
