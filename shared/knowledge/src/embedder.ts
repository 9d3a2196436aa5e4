/**
 * Turns texts into vectors. `id` names the model (and its settings) so vectors from different
 * embedders are never mixed in one collection; `dimension` is the length of every vector.
 */
export interface Embedder {
  readonly id: string;
  readonly dimension: number;
  embed(texts: string[]): Promise<number[][]>;
}
