/** Turns texts into vectors. Baton only calls one when the user configured a provider. */
export interface Embedder {
  /** Identifies the vector space: vectors of different models are never mixed. */
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
