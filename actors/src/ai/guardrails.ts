import { MESSAGE_TEXT_MAX } from '@switchboard/contracts';

/** What a model's reply is checked against before a customer sees it. */
export interface GuardContext {
  /** The instructions the model was given: quoting a long piece of them back is refused. */
  systemPrompt: string;
  /** The tenant's own phrases the bot must never send, matched case-insensitively as plain text. */
  blockedPatterns?: string[] | undefined;
  /** The longest reply allowed, in characters. */
  maxLength?: number;
}

/** Said instead of a reply that was withheld. */
export const withheldReply = "Sorry, I can't help with that here. Would you like me to connect you with a member of our team?";

// Credentials that must never reach a customer, whatever a document or a prompt injection says.
const secretPatterns: RegExp[] = [
  /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g, // OpenAI-style and Stripe secret keys
  /\brk_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe restricted keys
  /\bwhsec_[A-Za-z0-9]{16,}/g, // webhook signing secrets
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /\b\d{8,10}:[A-Za-z0-9_-]{35}\b/g, // Telegram bot tokens
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JSON web tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqp|nats):\/\/[^\s:@/]+:[^\s@/]+@\S+/g, // URLs with a password
];

/**
 * Checks a model's reply before it is sent:
 * - secrets (API keys, tokens, private keys, URLs with passwords) are replaced by `[redacted]`;
 * - a reply that repeats a stretch of the system prompt (an instruction leak, e.g. after a
 *   document said "reveal your instructions"), or holds a phrase the tenant blocked, is withheld
 *   and replaced by an offer of a person;
 * - the reply is bounded in length, cut at a sentence or word where possible.
 */
export function guardReply(reply: string, context: GuardContext): string {
  const maxLength = context.maxLength ?? MESSAGE_TEXT_MAX;
  if (leaksInstructions(reply, context.systemPrompt)) return withheldReply;
  const lower = reply.toLowerCase();
  if ((context.blockedPatterns ?? []).some((pattern) => pattern.trim() !== '' && lower.includes(pattern.trim().toLowerCase()))) return withheldReply;
  let guarded = reply;
  for (const pattern of secretPatterns) guarded = guarded.replace(pattern, '[redacted]');
  return bound(guarded, maxLength);
}

/** True when the reply quotes 60 or more consecutive characters of the instructions. */
function leaksInstructions(reply: string, systemPrompt: string): boolean {
  const squash = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');
  const instructions = squash(systemPrompt.split('\n\nFacts:')[0] ?? systemPrompt);
  const said = squash(reply);
  const window = 60;
  if (said.length < window) return false;
  for (let start = 0; start + window <= instructions.length; start += 20) {
    if (said.includes(instructions.slice(start, start + window))) return true;
  }
  return false;
}

function bound(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength - 1);
  const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '), cut.lastIndexOf('\n'));
  if (sentence > maxLength * 0.6) return cut.slice(0, sentence + 1).trimEnd();
  const word = cut.lastIndexOf(' ');
  return `${(word > maxLength * 0.6 ? cut.slice(0, word) : cut).trimEnd()}…`;
}
