import { MESSAGE_TEXT_MAX, type AiAnswer, type AiRequest } from '@switchboard/contracts';
import { contentTokens, dontKnowThreshold, type KnowledgeHit, type KnowledgeStore } from '@switchboard/knowledge';

/** What the bot says when the knowledge base holds nothing close enough to the question. */
export const dontKnowReply = "I don't know that one — would you like me to connect you with a member of our team?";

/**
 * The sentences of a chunk: Markdown headings dropped, an FAQ pair reduced to its answer, and
 * prose wrapped over several lines joined first (a sentence must not end at a line break), while
 * list items stay apart.
 */
function sentencesOf(text: string): string[] {
  const faq = /^Q: [\s\S]*?\nA: ([\s\S]*)$/.exec(text);
  const body = faq?.[1] ?? text;
  const listItem = /^\s*(?:[-*]|\d+[.)])\s+/;
  const lines: string[] = [];
  for (const paragraph of body.split(/\n\s*\n/)) {
    let previous: string | undefined;
    for (const line of paragraph.split('\n')) {
      if (/^\s*#/.test(line) || line.trim() === '') continue;
      if (previous === undefined || listItem.test(line)) {
        lines.push(line.trim());
      } else {
        lines[lines.length - 1] = `${lines[lines.length - 1] ?? ''} ${line.trim()}`;
      }
      previous = line;
    }
  }
  return lines
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((sentence) => sentence.replace(listItem, '').trim())
    .filter((sentence) => sentence !== '');
}

/**
 * An extractive answer from the best chunk: its one or two sentences sharing the most content
 * words with the question, in the order the document has them, and where they come from.
 * Nothing is generated, so nothing can be invented.
 */
export function extractiveAnswer(question: string, hit: KnowledgeHit): string {
  const asked = new Set(contentTokens(question));
  const sentences = sentencesOf(hit.text);
  const ranked = sentences
    .map((sentence, index) => ({ sentence, index, shared: new Set(contentTokens(sentence).filter((word) => asked.has(word))).size }))
    .sort((a, b) => b.shared - a.shared || a.index - b.index);
  const [best, second] = ranked;
  const picked = best === undefined ? [] : second !== undefined && second.shared > 0 ? [best, second].sort((a, b) => a.index - b.index) : [best];
  const citation = `(Source: ${hit.source}${hit.title === null ? '' : ` — ${hit.title}`})`;
  const answer = picked.map((entry) => entry.sentence).join(' ') || hit.text.trim();
  return `${answer.slice(0, MESSAGE_TEXT_MAX - citation.length - 2)}\n\n${citation}`;
}

/**
 * Answers from the tenant's knowledge base: the best chunk at or above the "I don't know"
 * threshold gives an extractive answer with its source (confidence = its score); below it the
 * bot says it does not know and offers a person. `undefined` when the tenant has no knowledge.
 */
export async function answerFromKnowledge(store: KnowledgeStore, request: AiRequest, greeting: string): Promise<AiAnswer | undefined> {
  const [best] = await store.query(request.tenantId, request.text, { topK: 1 });
  // No knowledge base at all: the tenant's own fallback text answers, not this one.
  if (best === undefined) return undefined;
  const base = { actions: [], intent: 'reply' as const, source: 'offline (knowledge base)' };
  if (best.score < dontKnowThreshold) {
    return { ...base, confidence: Math.min(0.2, Math.max(0, best.score)), reply: dontKnowReply };
  }
  const answer = extractiveAnswer(request.text, best);
  const reply = request.isFirstMessage ? `${greeting}\n\n${answer}` : answer;
  return { ...base, confidence: Math.min(1, best.score), reply: reply.slice(0, MESSAGE_TEXT_MAX) };
}
