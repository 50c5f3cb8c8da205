/** Turns texts into vectors. Baton only calls one when the user configured a provider. */
export interface Embedder {
  /** Identifies the vector space: vectors of different models are never mixed. */
  readonly model: string;
  /**
   * Embeds chunks for the index, as unit-length vectors in input order. May
   * retry for a while (rate limits): nobody is waiting on each call.
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * Embeds a search query as a unit-length vector. Someone is waiting, and
   * search answers lexically without it, so this fails fast instead of retrying.
   */
  embedQuery(query: string, signal?: AbortSignal): Promise<Float32Array>;
}
