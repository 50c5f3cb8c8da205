import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST /v1/embeddings the server received, answered or not. */
export interface EmbeddingRequest {
  readonly model: string;
  readonly inputs: readonly string[];
  /** The Authorization header as sent, if any. */
  readonly authorization: string | undefined;
  /** Date.now() when the request arrived (to measure backoff). */
  readonly receivedAt: number;
}

/** How to answer a request instead of embedding: an HTTP error, or no answer at all. */
export type ScriptedFailure =
  | { readonly status: number; readonly retryAfter?: string; readonly message?: string }
  | { readonly hang: true };

export const DIMENSIONS = 256;

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI embeddings API, with
 * deterministic vectors: a hashed bag of code-aware words, so texts that share
 * words get similar vectors. It records every request and can be told to fail
 * the next ones.
 */
export class EmbeddingServer {
  readonly requests: EmbeddingRequest[] = [];
  /** Answer `data` in reverse order (clients must restore it by `index`). */
  reverseOrder = false;
  private readonly server: http.Server;
  private readonly failures: ScriptedFailure[] = [];
  private port = 0;

  private constructor() {
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  static async start(): Promise<EmbeddingServer> {
    const instance = new EmbeddingServer();
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    instance.port = (instance.server.address() as AddressInfo).port;
    return instance;
  }

  /** The base URL to configure, e.g. http://127.0.0.1:PORT/v1. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Every input of every request, in arrival order. */
  get inputs(): string[] {
    return this.requests.flatMap((request) => request.inputs);
  }

  /** The next `count` requests get `failure` instead of vectors. */
  failNext(count: number, failure: ScriptedFailure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** Stops listening and drops open connections (hanging requests included). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
      return reply(response, 404, { error: { message: `no route ${request.method} ${request.url}` } });
    }
    let body: { model?: unknown; input?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return reply(response, 400, { error: { message: 'body is not JSON' } });
    }
    const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
    this.requests.push({
      model: String(body.model),
      inputs,
      authorization: request.headers.authorization,
      receivedAt: Date.now(),
    });
    const failure = this.failures.shift();
    if (failure && 'hang' in failure) return; // never answered: the client must time out or abort
    if (failure) {
      if (failure.retryAfter !== undefined) response.setHeader('retry-after', failure.retryAfter);
      return reply(response, failure.status, { error: { message: failure.message ?? `scripted ${failure.status}` } });
    }
    const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embedText(text) }));
    if (this.reverseOrder) data.reverse();
    reply(response, 200, { object: 'list', model: body.model, data, usage: { prompt_tokens: 0, total_tokens: 0 } });
  }
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Code-aware words: identifiers split at camelCase and snake_case, lowercased. */
export function words(text: string): string[] {
  return (text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((word) => word.length > 1);
}

/**
 * A hashed bag of words, deliberately not unit length (the client normalizes)
 * and all zeros for a text without words.
 */
export function embedText(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of words(text)) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt16BE(0) % DIMENSIONS]! += digest[2]! & 1 ? 3 : -3;
  }
  return vector;
}
