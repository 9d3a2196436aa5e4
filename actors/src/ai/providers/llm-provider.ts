/**
 * The port every language-model provider implements (OpenAI-compatible servers now; others
 * later). Only plain types cross it: no SDK type leaves a provider's file, so the AI actor and
 * its tests depend on this file alone.
 *
 * Failures are `AppError`s from `@switchboard/errors`: an unreachable, failing or slow provider
 * is `SB_ERR_DEPENDENCY_DOWN`, a provider's rate limit is `SB_ERR_RATE_LIMITED` (with
 * `retryAfterSeconds` when the provider said how long to wait), a refused key or unknown model is
 * `SB_ERR_CONFIG_INVALID`. When the caller's own `signal` aborts, the call rejects with the
 * signal's reason, as `fetch` does.
 */

/** A call the model asked for. `arguments` is the JSON text exactly as the model wrote it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  /** The result of running the tool call `toolCallId`, sent back to the model. */
  | { role: 'tool'; toolCallId: string; content: string };

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** Asks the model for JSON matching `schema` (structured outputs), or for free text. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean };

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  responseFormat?: ResponseFormat;
  temperature?: number;
  maxTokens?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResult {
  /** The assistant's text; empty when it only called tools. */
  text: string;
  toolCalls: ToolCall[];
  /** Null when the server did not report usage (some OpenAI-compatible servers do not). */
  usage: TokenUsage | null;
  /** `stop`, `length`, `tool_calls`, `content_filter`, … as the server reported it. */
  finishReason: string | null;
}

/**
 * One step of a streamed answer. Text arrives in chunks as the model writes it. Tool calls are
 * assembled by the provider (the wire splits a call's name and arguments over many chunks) and
 * each arrives once, complete, after the text. `done` is always the last delta.
 */
export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; toolCall: ToolCall }
  | { type: 'done'; usage: TokenUsage | null; finishReason: string | null };

export interface CallOptions {
  /** The caller's cancellation; aborting it rejects the call with the signal's reason. */
  signal?: AbortSignal;
  /**
   * For `chat` and `embed`: the most the whole call may take, the provider's retries included.
   * For `chatStream`: the most to wait for the response and then for each next chunk.
   * Past it the call rejects with `SB_ERR_DEPENDENCY_DOWN`. Defaults to the provider's own.
   */
  timeoutMs?: number;
}

export interface EmbedResult {
  /** One vector per input text, in input order, as plain numbers. */
  vectors: number[][];
  usage: { promptTokens: number; totalTokens: number } | null;
}

export interface LlmProvider {
  /** Names the provider and model, e.g. `openai:gpt-4o-mini`; used as an answer's `source`. */
  readonly id: string;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /** Streams the answer; errors (timeouts included) are thrown from the iteration. */
  chatStream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatDelta>;
  embed(texts: string[], options?: CallOptions): Promise<EmbedResult>;
}
