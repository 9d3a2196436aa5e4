import type { actionKinds, AiAnswer, AiRequest } from '@switchboard/contracts';

type ActionKind = (typeof actionKinds)[number];
import { detectHandoffRequest } from '../conversation/handoff-detector.ts';
import { normalizeForMatching } from '@switchboard/knowledge';

/** A tenant-configured question and its answer; `keywords` widen what matches it. */
export interface FaqEntry {
  question: string;
  answer: string;
  keywords?: string[];
}

export interface ResponderSettings {
  greeting: string;
  fallback: string;
  handoffMessage: string;
  handoffKeywords: string[];
  faq: FaqEntry[];
  /** Phrases the bot must never send (see `guardReply`). */
  blockedPatterns?: string[];
  /** The workspace's name, as the model introduces the business. */
  businessName?: string;
  /** How the model speaks and what it may propose (the bot's AI settings). */
  persona?: BotPersona;
}

export interface BotPersona {
  name: string;
  /** The business's own instructions, after the platform's rules. */
  instructions: string;
  language: string;
  temperature: number;
  allowedActions: readonly ActionKind[];
}

const greetings = ['hi', 'hello', 'hey', 'good morning', 'good evening', 'salam', 'salaam', 'bonjour', 'salut', 'مرحبا', 'السلام عليكم', 'اهلا', 'سلام', 'صباح الخير', 'مساء الخير'].map(normalizeForMatching);

// Words that carry no meaning for matching a question, in English, French and Arabic.
const stopwords = new Set(
  ['a', 'an', 'the', 'is', 'are', 'do', 'does', 'you', 'your', 'i', 'me', 'my', 'we', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'it',
    'can', 'what', 'how', 'when', 'where', 'which', 'please', 'hi', 'hello', 'there', 'with', 'at', 'be', 'have', 'has', 'this', 'that',
    'le', 'la', 'les', 'de', 'des', 'un', 'une', 'est', 'vous', 'je', 'et',
    'في', 'من', 'على', 'الى', 'عن', 'هل', 'ما', 'ماذا', 'كيف', 'متى', 'اين', 'كم', 'هي', 'هو', 'انا', 'انت', 'لكم', 'عندكم', 'و'].map(normalizeForMatching),
);

function meaningfulWords(text: string): Set<string> {
  return new Set(normalizeForMatching(text).split(' ').filter((word) => word.length > 1 && !stopwords.has(word)));
}

function isGreetingOnly(text: string): boolean {
  const normalized = normalizeForMatching(text);
  return greetings.some((greeting) => normalized === greeting || normalized.startsWith(`${greeting} `)) && meaningfulWords(text).size <= 2;
}

const stem = (word: string) => word.replace(/^ال/, '').replace(/s$/, '');

/**
 * How well the message matches an entry (0..1): the share of the message's meaningful words
 * found in the entry's question and keywords. A configured keyword is a strong signal on its
 * own, since short messages ("shipping?") carry only one. Arabic "ال" and a plural s are ignored.
 */
function score(message: Set<string>, entry: FaqEntry): number {
  const vocabulary = new Set([...meaningfulWords([entry.question, ...(entry.keywords ?? [])].join(' '))].map(stem));
  const keywords = new Set([...meaningfulWords((entry.keywords ?? []).join(' '))].map(stem));
  if (vocabulary.size === 0 || message.size === 0) return 0;
  let hits = 0;
  let keywordHits = 0;
  for (const word of message) {
    if (vocabulary.has(stem(word))) hits += 1;
    if (keywords.has(stem(word))) keywordHits += 1;
  }
  const overlap = hits / Math.min(message.size, vocabulary.size);
  return keywordHits > 0 ? Math.max(overlap, Math.min(0.9, 0.6 + 0.1 * keywordHits)) : overlap;
}

const matchThreshold = 0.5;

/**
 * The offline first responder: a person asking for a human is handed off; a greeting is
 * greeted; a question close to one of the tenant's FAQ entries gets that answer; anything else
 * gets the tenant's fallback text, which offers a person. Deterministic and network-free.
 */
export function respondOffline(request: AiRequest, settings: ResponderSettings): AiAnswer {
  return respondFromSettings(request, settings) ?? fallbackAnswer(settings);
}

/** The tenant's fallback text, which offers a person, with a low confidence. */
export function fallbackAnswer(settings: ResponderSettings): AiAnswer {
  return { actions: [], source: 'offline', intent: 'reply', confidence: 0.2, reply: settings.fallback };
}

/**
 * The offline responder without its fallback: a handoff, a greeting or an FAQ answer, or
 * `undefined` when none applies (the knowledge base may answer then).
 */
export function respondFromSettings(request: AiRequest, settings: ResponderSettings): AiAnswer | undefined {
  const base = { actions: [], source: 'offline' } as const;
  if (detectHandoffRequest(request.text, settings.handoffKeywords)) {
    return { ...base, actions: [], intent: 'handoff', confidence: 0.95, reply: settings.handoffMessage };
  }
  if (isGreetingOnly(request.text)) {
    return { ...base, actions: [], intent: 'reply', confidence: 0.9, reply: settings.greeting };
  }
  const words = meaningfulWords(request.text);
  let best: { entry: FaqEntry; score: number } | undefined;
  for (const entry of settings.faq) {
    const value = score(words, entry);
    if (value >= matchThreshold && (best === undefined || value > best.score)) best = { entry, score: value };
  }
  if (best) {
    const reply = request.isFirstMessage ? `${settings.greeting}\n\n${best.entry.answer}` : best.entry.answer;
    return { ...base, actions: [], intent: 'reply', confidence: Math.min(0.95, best.score), reply };
  }
  return undefined;
}
