import type { Socket } from 'node:net';

/**
 * Newline-delimited JSON framing for the leader endpoint. A line longer than
 * `maxLineBytes` is a protocol violation: the reader reports it and stops, and
 * the caller closes the connection.
 */
export class JsonLineReader {
  private buffer = '';
  private stopped = false;
  private readonly maxLineBytes: number;
  private readonly onValue: (value: unknown) => void;
  private readonly onInvalid: (reason: 'not-json' | 'too-long', line: string) => void;

  constructor(options: {
    maxLineBytes: number;
    onValue: (value: unknown) => void;
    onInvalid: (reason: 'not-json' | 'too-long', line: string) => void;
  }) {
    this.maxLineBytes = options.maxLineBytes;
    this.onValue = options.onValue;
    this.onInvalid = options.onInvalid;
  }

  push(chunk: Buffer | string): void {
    if (this.stopped) return;
    this.buffer += chunk.toString();
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1 && !this.stopped) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      this.handleLine(line);
      newline = this.buffer.indexOf('\n');
    }
    if (!this.stopped && Buffer.byteLength(this.buffer) > this.maxLineBytes) this.stop('too-long', this.buffer.slice(0, 200));
  }

  private handleLine(line: string): void {
    if (Buffer.byteLength(line) > this.maxLineBytes) return this.stop('too-long', line.slice(0, 200));
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.onInvalid('not-json', line.slice(0, 200));
      return;
    }
    this.onValue(value);
  }

  private stop(reason: 'too-long', line: string): void {
    this.stopped = true;
    this.buffer = '';
    this.onInvalid(reason, line);
  }
}

/** Writes one message as a line; false when the socket is already gone. */
export function writeLine(socket: Socket, message: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false;
  return socket.write(`${JSON.stringify(message)}\n`);
}
