import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { AppError } from '@switchboard/errors';
import type {
  CallOptions,
  ChatDelta,
  ChatMessage,
  ChatRequest,
  ChatResult,
  EmbedResult,
  LlmProvider,
  TokenUsage,
  ToolCall,
} from './llm-provider.ts';

export interface OpenAiProviderOptions {
  apiKey: string;
  /** Any OpenAI-compatible server: `https://api.openai.com/v1`, Ollama's `http://host:11434/v1`, vLLM, … */
  baseURL?: string;
  /** The chat model, e.g. `gpt-4o-mini`. */
  model: string;
  /** The embedding model; `embed` refuses to run without one. */
  embeddingModel?: string;
  /** Default bound for a call when the caller gives none (ms). */
  timeoutMs?: number;
  /** How often the SDK retries a 408/409/429/5xx or a dropped connection (it honours `Retry-After`). */
  maxRetries?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

/** The OpenAI-compatible provider, through the official `openai` SDK. */
export class OpenAiProvider implements LlmProvider {
  readonly id: string;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly embeddingModel: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: OpenAiProviderOptions) {
    this.model = options.model;
    this.embeddingModel = options.embeddingModel;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.id = `openai:${options.model}`;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      timeout: this.timeoutMs,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    });
  }

  async chat(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const call = this.deadline(options);
    try {
      const completion = await this.client.chat.completions.create(this.chatParams(request), call.requestOptions);
      const choice = completion.choices[0];
      if (choice === undefined) throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The language model answered with no choice.' });
      return {
        text: choice.message.content ?? '',
        toolCalls: (choice.message.tool_calls ?? []).flatMap(functionCall),
        usage: toUsage(completion.usage),
        finishReason: choice.finish_reason,
      };
    } catch (error) {
      throw toAppError(error, call, options.signal);
    }
  }

  async *chatStream(request: ChatRequest, options: CallOptions = {}): AsyncGenerator<ChatDelta> {
    // The SDK's timeout covers a stream only up to its headers, so an idle timer bounds the
    // wait for the response and then for each next chunk.
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), timeoutMs);
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), timeoutMs);
    };
    const call: Deadline = {
      timeoutMs,
      timedOut: idle.signal,
      requestOptions: { signal: combine(options.signal, idle.signal), timeout: timeoutMs },
    };
    const toolCalls = new ToolCallAssembler();
    let usage: TokenUsage | null = null;
    let finishReason: string | null = null;
    try {
      const stream = await this.client.chat.completions.create(
        { ...this.chatParams(request), stream: true, stream_options: { include_usage: true } },
        call.requestOptions,
      );
      for await (const chunk of stream) {
        touch();
        usage = toUsage(chunk.usage) ?? usage;
        const choice = chunk.choices[0];
        if (choice === undefined) continue; // the usage chunk has no choice
        if (choice.finish_reason !== null) finishReason = choice.finish_reason;
        if (choice.delta.content) yield { type: 'text', text: choice.delta.content };
        for (const fragment of choice.delta.tool_calls ?? []) toolCalls.add(fragment);
      }
    } catch (error) {
      throw toAppError(error, call, options.signal);
    } finally {
      clearTimeout(timer);
    }
    for (const toolCall of toolCalls.complete()) yield { type: 'tool_call', toolCall };
    yield { type: 'done', usage, finishReason };
  }

  async embed(texts: string[], options: CallOptions = {}): Promise<EmbedResult> {
    if (this.embeddingModel === undefined) {
      throw new AppError('SB_ERR_CONFIG_INVALID', { message: `The provider ${this.id} has no embedding model configured.` });
    }
    if (texts.length === 0) return { vectors: [], usage: null };
    const call = this.deadline(options);
    try {
      // No encoding_format: the SDK then asks for base64 and decodes it to numbers itself.
      const response = await this.client.embeddings.create({ model: this.embeddingModel, input: texts }, call.requestOptions);
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => toVector(item.embedding));
      if (vectors.length !== texts.length) {
        throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `The embedding model answered ${vectors.length} vectors for ${texts.length} texts.` });
      }
      return {
        vectors,
        usage: response.usage ? { promptTokens: response.usage.prompt_tokens, totalTokens: response.usage.total_tokens } : null,
      };
    } catch (error) {
      throw toAppError(error, call, options.signal);
    }
  }

  private chatParams(request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
    const format = request.responseFormat;
    return {
      model: this.model,
      messages: request.messages.map(toWireMessage),
      ...(request.tools && request.tools.length > 0
        ? {
            tools: request.tools.map((tool) => ({
              type: 'function' as const,
              function: { name: tool.name, parameters: tool.parameters, ...(tool.description ? { description: tool.description } : {}) },
            })),
          }
        : {}),
      ...(format?.type === 'json_schema'
        ? { response_format: { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict ?? false } } }
        : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { max_completion_tokens: request.maxTokens }),
    };
  }

  /** One bound for the whole call, SDK retries included, beside the SDK's per-attempt timeout. */
  private deadline(options: CallOptions): Deadline {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timedOut = AbortSignal.timeout(timeoutMs);
    return { timeoutMs, timedOut, requestOptions: { signal: combine(options.signal, timedOut), timeout: timeoutMs } };
  }
}

interface Deadline {
  timeoutMs: number;
  /** Aborts when the call has run out of time (as opposed to the caller giving up). */
  timedOut: AbortSignal;
  requestOptions: { signal: AbortSignal; timeout: number };
}

function combine(callerSignal: AbortSignal | undefined, timedOut: AbortSignal): AbortSignal {
  return callerSignal === undefined ? timedOut : AbortSignal.any([callerSignal, timedOut]);
}

/** Tool-call fragments arrive keyed by `index`; the id and type come once, name and arguments in pieces. */
class ToolCallAssembler {
  private readonly byIndex = new Map<number, ToolCall>();

  add(fragment: ChatCompletionChunk.Choice.Delta.ToolCall): void {
    const call = this.byIndex.get(fragment.index) ?? { id: '', name: '', arguments: '' };
    if (fragment.id) call.id = fragment.id;
    if (fragment.function?.name) call.name += fragment.function.name;
    if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
    this.byIndex.set(fragment.index, call);
  }

  complete(): ToolCall[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
}

function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return message.toolCalls && message.toolCalls.length > 0
        ? {
            role: 'assistant',
            content: message.content,
            tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })),
          }
        : { role: 'assistant', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function functionCall(call: ChatCompletionMessageToolCall): ToolCall[] {
  // Custom (free-form) tools are never offered through this port, so only function calls count.
  return call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [];
}

function toUsage(usage: CompletionUsage | null | undefined): TokenUsage | null {
  if (!usage) return null;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens };
}

function toVector(embedding: unknown): number[] {
  // The SDK decodes base64 into an Array of numbers; a server that ignored the encoding and sent
  // something else must not slip a string or a typed array into the knowledge base.
  if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The embedding model answered a vector that is not a list of numbers.' });
  }
  return embedding as number[];
}

function toAppError(error: unknown, call: Deadline, callerSignal: AbortSignal | undefined): unknown {
  if (error instanceof AppError) return error;
  if (callerSignal?.aborted) return callerSignal.reason;
  if (error instanceof APIConnectionTimeoutError || call.timedOut.aborted) {
    return new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `The language model did not answer within ${call.timeoutMs} ms.`, cause: error });
  }
  if (error instanceof APIUserAbortError) return error; // not ours to translate
  if (error instanceof APIConnectionError) {
    return new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The language model server is not reachable.', cause: error });
  }
  if (error instanceof APIError) return fromStatus(error);
  if (error instanceof OpenAIError || error instanceof SyntaxError) {
    return new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The language model server answered something that is not the OpenAI protocol.', cause: error });
  }
  return error;
}

function fromStatus(error: APIError): AppError {
  const status = error.status;
  if (status === 429) {
    const retryAfterSeconds = retryAfter(error.headers);
    return new AppError('SB_ERR_RATE_LIMITED', {
      message: 'The language model provider is rate limiting this workspace; wait before trying again.',
      cause: error,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (status === 401 || status === 403) {
    return new AppError('SB_ERR_CONFIG_INVALID', { message: 'The language model provider refused the API key.', cause: error });
  }
  if (status === 404) {
    return new AppError('SB_ERR_CONFIG_INVALID', { message: 'The language model provider does not know this model or address.', cause: error });
  }
  if (status === undefined || status >= 500 || status === 408) {
    return new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `The language model server failed (${status ?? 'an error in the stream'}).`, cause: error });
  }
  return new AppError('SB_ERR_INTERNAL', { message: `The language model provider refused the request (${status}).`, cause: error });
}

/** Seconds from `retry-after-ms`, or `retry-after` as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
