import { setTimeout as delay } from 'node:timers/promises';
import type { Embedder } from './embedder.ts';

export interface OpenAiEmbedderOptions {
  /** e.g. "https://api.openai.com/v1" or "http://localhost:11434/v1" (Ollama). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  /** Inputs per request. */
  readonly batchSize?: number;
  /** Tries per indexing request (a query is tried once). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  readonly retryBaseMs?: number;
  /** How long one indexing request may take (a CPU-bound local model can be slow on a full batch). */
  readonly requestTimeoutMs?: number;
  /** How long a query may take before search answers lexically. */
  readonly queryTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Inputs longer than this are cut: embedding models have context limits and chunks are small anyway. */
const MAX_INPUT_CHARS = 8000;
/** A longer Retry-After is not honoured in full: the run would look hung. */
const MAX_RETRY_AFTER_MS = 30_000;

type Attempt =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly retry: boolean; readonly error: string; readonly retryAfterMs?: number | undefined };

/**
 * An OpenAI-compatible `/embeddings` client (OpenAI, Azure-compatible
 * gateways, Ollama, LM Studio, vLLM…). Sends inputs in batches and retries
 * 408, 429 and 5xx answers, timeouts and network failures with exponential
 * backoff, honouring Retry-After. Other answers (bad key, unknown model,
 * input too long) cannot get better by retrying and fail at once.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly requestTimeoutMs: number;
  private readonly queryTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.apiKey = options.apiKey || undefined;
    // At least 1: a batch size of 0 would loop forever.
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 64));
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize).map(prepareInput);
      vectors.push(...(await this.embedBatch(batch, this.maxAttempts, this.requestTimeoutMs, signal)));
    }
    return vectors;
  }

  async embedQuery(query: string, signal?: AbortSignal): Promise<Float32Array> {
    const [vector] = await this.embedBatch([prepareInput(query)], 1, this.queryTimeoutMs, signal);
    return vector!;
  }

  private async embedBatch(inputs: string[], maxAttempts: number, timeoutMs: number, signal?: AbortSignal): Promise<Float32Array[]> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const outcome = await this.attempt(inputs, timeoutMs, signal);
      if (outcome.ok) return parseVectors(outcome.body, inputs.length);
      if (!outcome.retry || attempt >= maxAttempts) {
        throw new Error(`embedding failed: ${outcome.error}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`);
      }
      const wait = outcome.retryAfterMs ?? this.retryBaseMs * 2 ** (attempt - 1);
      await delay(wait, undefined, signal ? { signal } : {});
    }
  }

  /** One request. Resolves with what to do next; only the caller's abort rejects. */
  private async attempt(inputs: string[], timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.model, input: inputs }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      if (!response.ok) {
        const status = response.status;
        return {
          ok: false,
          retry: status === 408 || status === 429 || status >= 500,
          error: `${this.url} answered ${status}${providerMessage(text)}`,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      }
      try {
        return { ok: true, body: JSON.parse(text) };
      } catch {
        return { ok: false, retry: false, error: `${this.url} answered with something other than JSON: ${text.slice(0, 200)}` };
      }
    } catch (error) {
      signal?.throwIfAborted();
      if (timeout.aborted) return { ok: false, retry: true, error: `${this.url} did not answer within ${timeoutMs / 1000}s` };
      return { ok: false, retry: true, error: `cannot reach ${this.url}: ${networkMessage(error)}` };
    }
  }
}

/** Never empty (some providers reject ""), and cut without splitting a surrogate pair. */
function prepareInput(text: string): string {
  if (text.length <= MAX_INPUT_CHARS) return text || ' ';
  const end = /[\uD800-\uDBFF]/.test(text[MAX_INPUT_CHARS - 1]!) ? MAX_INPUT_CHARS - 1 : MAX_INPUT_CHARS;
  return text.slice(0, end);
}

/** Retry-After is either seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** The provider's own explanation (OpenAI-style `{error: {message}}`), else the start of the body. */
function providerMessage(text: string): string {
  let message = text;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    const error = parsed.error;
    if (typeof error === 'string') message = error;
    else if (typeof error?.message === 'string') message = error.message;
  } catch {
    // not JSON: quote the text
  }
  message = message.trim().slice(0, 300);
  return message ? `: ${message}` : '';
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…). */
function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message || cause?.code || (error as Error).message;
}

function parseVectors(body: unknown, expected: number): Float32Array[] {
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new Error(`embedding failed: expected ${expected} vectors, the provider returned ${Array.isArray(data) ? data.length : 'none'}`);
  }
  // Providers may answer out of order; `index` says which input each vector is for.
  const vectors = new Array<Float32Array | undefined>(expected);
  let dimensions: number | undefined;
  for (const [position, item] of (data as { index?: unknown; embedding?: unknown }[]).entries()) {
    const index = item.index ?? position;
    const embedding = item.embedding;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || vectors[index]) {
      throw new Error(`embedding failed: the provider returned a bad or repeated index ${String(index)}`);
    }
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw new Error('embedding failed: the provider returned an embedding that is not a list of numbers (is encoding_format float?)');
    }
    dimensions ??= embedding.length;
    if (embedding.length !== dimensions) {
      throw new Error(`embedding failed: the provider returned vectors of ${dimensions} and ${embedding.length} dimensions`);
    }
    vectors[index] = normalize(Float32Array.from(embedding as number[]));
  }
  return vectors as Float32Array[];
}

/** Unit length, so that a dot product is the cosine similarity. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
