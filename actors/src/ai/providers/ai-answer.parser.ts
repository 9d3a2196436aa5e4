import Type from 'typebox';
import { AiAnswer, checkSchema, describeIssues, type AiRequest, type ConversationTurn, type SchemaIssue } from '@switchboard/contracts';
import type { CallOptions, ChatMessage, ChatRequest, ChatResult, LlmProvider, ResponseFormat, TokenUsage } from './llm-provider.ts';
import { partialReply } from './partial-reply.ts';

const { source: _source, ...draftProperties } = AiAnswer.properties;

/** What the model writes: an `AiAnswer` without `source`, which the caller knows, not the model. */
export const AiAnswerDraft = Type.Object(draftProperties, { additionalProperties: false });

/** How many times a model may correct an answer that is not valid JSON or not the schema. */
export const MAX_REPAIRS = 2;

const DEFAULT_HANDOFF_REPLY = 'Let me connect you with a member of our team.';

// The schema as plain JSON (TypeBox may carry non-JSON markers). Not `strict`: OpenAI's strict
// mode refuses `patternProperties`, which the actions' free-form `fields` need; checkSchema
// below is what enforces the shape.
const responseFormat: ResponseFormat = {
  type: 'json_schema',
  name: 'ai_answer',
  schema: JSON.parse(JSON.stringify(AiAnswerDraft)) as Record<string, unknown>,
  strict: false,
};

const FORMAT_INSTRUCTIONS = [
  'Answer with one JSON object and nothing else, matching the given JSON schema:',
  '"intent" is "reply" to answer the customer, "task" to propose actions, "handoff" to pass the conversation to a person;',
  '"confidence" is between 0 and 1; "reply" is the message for the customer; "actions" lists proposed actions (may be empty).',
].join(' ');

export interface AnswerOptions extends CallOptions {
  /** What the customer is told when the model never produces a valid answer. */
  handoffReply?: string;
  /** The most tokens one answer may take (bounds the reply, and the cost). */
  maxTokens?: number;
  temperature?: number;
  /** Told the usage of every call made, repairs included, as the server reported it. */
  onUsage?: (usage: TokenUsage | null) => void;
  /**
   * With this, the first call streams, and this is told the reply written so far each time it
   * grows (repairs do not stream: their reply arrives whole).
   */
  onReplyDelta?: (replySoFar: string) => void;
}

/** What one answer may take by default: a full-length reply in JSON, with room to spare. */
export const DEFAULT_MAX_ANSWER_TOKENS = 1_200;

/**
 * Asks `provider` for a structured answer to `request`, checks it against the `AiAnswer` schema,
 * and on invalid JSON or a schema failure sends the model its output and the errors, at most
 * {@link MAX_REPAIRS} times. Still invalid: a handoff answer with confidence 0. Provider failures
 * (timeout, rate limit, …) are not answered here: they reject, so the caller can fall back.
 */
export async function answerWithProvider(
  provider: LlmProvider,
  request: AiRequest,
  systemPrompt: string,
  options: AnswerOptions = {},
): Promise<AiAnswer> {
  const { handoffReply = DEFAULT_HANDOFF_REPLY, maxTokens = DEFAULT_MAX_ANSWER_TOKENS, onUsage, onReplyDelta, temperature, ...callOptions } = options;
  const messages: ChatMessage[] = [
    { role: 'system', content: `${systemPrompt}\n\n${FORMAT_INSTRUCTIONS}` },
    ...request.history.map(toChatMessage),
    { role: 'user', content: request.text },
  ];
  for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
    const chatRequest = { messages, responseFormat, maxTokens, ...(temperature === undefined ? {} : { temperature }) };
    const result = attempt === 0 && onReplyDelta !== undefined
      ? await streamed(provider, chatRequest, callOptions, onReplyDelta)
      : await provider.chat(chatRequest, callOptions);
    onUsage?.(result.usage);
    const parsed = parseDraft(result.text);
    if (parsed.ok) return { ...parsed.value, source: provider.id };
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: repairPrompt(parsed.issues) });
  }
  return { intent: 'handoff', confidence: 0, reply: handoffReply, actions: [], source: provider.id };
}

/** One streamed call, told as the reply grows, resolving to what `chat` would have answered. */
async function streamed(provider: LlmProvider, request: ChatRequest, options: CallOptions, onReplyDelta: (replySoFar: string) => void): Promise<Pick<ChatResult, 'text' | 'usage'>> {
  let text = '';
  let told = '';
  let usage: TokenUsage | null = null;
  for await (const delta of provider.chatStream(request, options)) {
    if (delta.type === 'text') {
      text += delta.text;
      const reply = partialReply(stripCodeFenceStart(text));
      if (reply !== undefined && reply.length > told.length) {
        told = reply;
        onReplyDelta(reply);
      }
    } else if (delta.type === 'done') {
      usage = delta.usage;
    }
  }
  return { text, usage };
}

const stripCodeFenceStart = (text: string) => text.replace(/^\s*```(?:json)?\s*\n/, '');

type DraftCheck = { ok: true; value: Omit<AiAnswer, 'source'> } | { ok: false; issues: SchemaIssue[] };

function parseDraft(text: string): DraftCheck {
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(text));
  } catch (error) {
    return { ok: false, issues: [{ path: '/', message: `is not valid JSON (${(error as Error).message})` }] };
  }
  return checkSchema(AiAnswerDraft, value);
}

/** Models that ignore `response_format` often wrap JSON in a Markdown fence; that much is forgiven. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}

function repairPrompt(issues: SchemaIssue[]): string {
  return `Your last answer was not valid: ${describeIssues(issues)}. Answer again with only the corrected JSON object matching the schema.`;
}

function toChatMessage(turn: ConversationTurn): ChatMessage {
  // Agents' words are the business speaking, so the model sees them as its own side.
  return turn.role === 'customer' ? { role: 'user', content: turn.text } : { role: 'assistant', content: turn.text };
}
