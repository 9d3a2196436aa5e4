import { normalizeForMatching } from '@switchboard/knowledge';

/**
 * Ways customers ask for a person, in English and Arabic (Modern Standard and Maghrebi/Gulf
 * colloquial), already normalised. Matched as whole phrases inside the message.
 */
const humanRequestPhrases = [
  // English
  'talk to a human', 'speak to a human', 'talk to a person', 'speak to a person', 'talk to someone',
  'speak to someone', 'talk to an agent', 'speak to an agent', 'talk to a real person', 'real person',
  'human agent', 'live agent', 'customer service', 'customer support', 'a human please', 'human please',
  'connect me to', 'transfer me to', 'can i talk to', 'can i speak to', 'i want a human', 'i need a human',
  'representative', 'operator',
  // Arabic
  'اريد التحدث مع شخص', 'اريد التكلم مع شخص', 'اريد التحدث مع موظف', 'اريد موظف', 'اريد شخص',
  'ممكن اكلم موظف', 'ممكن اتكلم مع موظف', 'بغيت نهضر مع شي واحد', 'بغيت نتكلم مع', 'ابي اكلم', 'ابغى اكلم',
  'خدمه العملاء', 'موظف خدمه', 'انسان حقيقي', 'شخص حقيقي', 'مع انسان', 'مع بشر', 'مندوب', 'كلمني موظف',
].map(normalizeForMatching);

export type HandoffMatch = { reason: 'customer_request'; phrase: string } | { reason: 'keyword'; phrase: string };

/**
 * Decides whether a customer message asks for a person: a phrase from the built-in list, or
 * one of the tenant's own handoff keywords. Returns what matched, or undefined.
 */
export function detectHandoffRequest(text: string, tenantKeywords: readonly string[] = []): HandoffMatch | undefined {
  const normalized = ` ${normalizeForMatching(text)} `;
  for (const keyword of tenantKeywords) {
    const needle = normalizeForMatching(keyword);
    if (needle.length > 0 && normalized.includes(` ${needle} `)) return { reason: 'keyword', phrase: keyword };
  }
  for (const phrase of humanRequestPhrases) {
    if (normalized.includes(` ${phrase} `) || normalized.includes(` ${phrase}`)) return { reason: 'customer_request', phrase };
  }
  return undefined;
}
