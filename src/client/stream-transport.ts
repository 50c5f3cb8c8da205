import type { Readable, Writable } from 'node:stream';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * An MCP client transport over a pair of streams that the caller owns —
 * typically the stdin/stdout of a server process it spawned and supervises
 * itself. (The SDK's StdioClientTransport insists on spawning the process.)
 */
export class StreamClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly buffer = new ReadBuffer();
  private closed = false;

  constructor(input: Readable, output: Writable) {
    this.input = input;
    this.output = output;
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('error', this.onStreamError);
    this.input.on('close', this.onStreamClose);
    this.output.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP server connection is closed');
    await new Promise<void>((resolve, reject) => {
      this.output.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.input.off('data', this.onData);
    this.input.off('error', this.onStreamError);
    this.input.off('close', this.onStreamClose);
    this.output.off('error', this.onStreamError);
    this.buffer.clear();
    this.markClosed();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.buffer.append(chunk);
    } catch (error) {
      // Over the SDK's buffer limit (10 MB without a newline): the stream is out of step for good.
      // Thrown here it would escape the stream's listener (in the extension host); the connection closes instead.
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  };

  private readonly onStreamError = (error: Error): void => this.onerror?.(error);

  private readonly onStreamClose = (): void => this.markClosed();

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
