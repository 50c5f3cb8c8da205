import { setTimeout as delay } from 'node:timers/promises';
import type { Embedder } from './embedder.ts';

export interface OpenAiEmbedderOptions {
  /** e.g. "https://api.openai.com/v1" or "http://localhost:11434/v1" (Ollama). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Inputs per request. */
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  readonly retryBaseMs?: number;
  readonly fetch?: typeof fetch;
}

/** Inputs longer than this are cut: embedding models have context limits and chunks are small anyway. */
const MAX_INPUT_CHARS = 8000;

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: number[] }[];
}

/**
 * An OpenAI-compatible `/embeddings` client (OpenAI, Azure-compatible
 * gateways, Ollama, LM Studio, vLLM…). Sends inputs in batches and retries
 * 429 and 5xx answers and network failures with exponential backoff,
 * honouring Retry-After.
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.apiKey = options.apiKey;
    this.batchSize = options.batchSize ?? 64;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize).map((text) => text.slice(0, MAX_INPUT_CHARS) || ' ');
      vectors.push(...(await this.embedBatch(batch, signal)));
    }
    return vectors;
  }

  private async embedBatch(inputs: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await this.fetchImpl(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
          body: JSON.stringify({ model: this.model, input: inputs }),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        signal?.throwIfAborted();
        lastError = `cannot reach ${this.url}: ${(error as Error).message}`;
        await this.backoff(attempt, undefined, signal);
        continue;
      }
      if (response.ok) return parseVectors((await response.json()) as EmbeddingsResponse, inputs.length);
      const body = (await response.text()).slice(0, 300);
      lastError = `${this.url} answered ${response.status}: ${body}`;
      if (response.status !== 429 && response.status < 500) break;
      await this.backoff(attempt, response.headers.get('retry-after'), signal);
    }
    throw new Error(`embedding failed: ${lastError}`);
  }

  private async backoff(attempt: number, retryAfter: string | null | undefined, signal?: AbortSignal): Promise<void> {
    if (attempt >= this.maxAttempts) return;
    const requested = retryAfter ? Number(retryAfter) * 1000 : NaN;
    const wait = Number.isFinite(requested) ? Math.min(requested, 30_000) : this.retryBaseMs * 2 ** (attempt - 1);
    await delay(wait, undefined, signal ? { signal } : {});
  }
}

function parseVectors(body: EmbeddingsResponse, expected: number): Float32Array[] {
  const data = body.data;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new Error(`embedding failed: expected ${expected} vectors, the provider returned ${Array.isArray(data) ? data.length : 'none'}`);
  }
  const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return ordered.map((item) => normalize(Float32Array.from(item.embedding ?? [])));
}

/** Unit length, so that a dot product is the cosine similarity. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
