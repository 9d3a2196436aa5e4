/** USD per million tokens, prompt and completion. */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * List prices of common hosted models (USD per million tokens, as published by their vendors at
 * the end of 2026). A model is matched by the longest known prefix of its name, so dated
 * variants (`gpt-4o-mini-2024-07-18`) take their family's price. Self-hosted models (Ollama,
 * vLLM) and unknown names cost 0: the usage page shows their tokens, not a made-up price.
 */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5': { input: 1.25, output: 10 },
  'mistral-small': { input: 0.1, output: 0.3 },
  'mistral-medium': { input: 0.4, output: 2 },
  'mistral-large': { input: 2, output: 6 },
};

/** The cost in USD of one call, from the price table (0 for a model it does not list). */
export function costUsd(model: string, tokensIn: number, tokensOut: number, prices: Readonly<Record<string, ModelPrice>> = defaultPrices): number {
  let best: string | undefined;
  for (const name of Object.keys(prices)) {
    if (model.startsWith(name) && (best === undefined || name.length > best.length)) best = name;
  }
  const price = best === undefined ? undefined : prices[best];
  if (price === undefined) return 0;
  return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
}
