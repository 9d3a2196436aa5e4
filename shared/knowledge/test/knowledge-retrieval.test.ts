import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chunkText } from '../src/text-chunker.ts';
import { KnowledgeStore, type KnowledgeHit } from '../src/knowledge-store.ts';
import { LocalEmbedder } from '../src/local-embedder.ts';

interface LabelledQuestion {
  question: string;
  document: string;
  heading: string | null;
}

interface QuestionSet {
  documents: string[];
  questions: LabelledQuestion[];
  absent: string[];
}

const fixtures = join(import.meta.dirname, 'fixtures', 'knowledge');
/**
 * Measured with the local embedder on this set (32 questions, 5 documents): recall@3 = 1.000 and
 * recall@1 = 0.875 (28/32). With five documents recall@3 is easy, so recall@1 is held too.
 */
const recall3Floor = 0.9;
const recall1Floor = 0.8;
/**
 * Below this score the caller should say it does not know rather than cite a chunk. Chosen from
 * the measurement: questions the documents do not answer scored at most 0.142 ("parking near the
 * shop", which shares "shop"), while 28 of the 32 answerable questions scored 0.148 or more at
 * rank 1. Short questions against whole sections score low with hashed features, so a few
 * answerable questions fall under it too; answering "I don't know" to them is the honest error.
 */
const dontKnowThreshold = 0.145;
/** Share of answerable questions whose best chunk clears the threshold: measured 28/32 = 0.875. */
const answeredFloor = 0.8;

const tenantId = randomUUID();
let store: KnowledgeStore;
let set: QuestionSet;
const results: Array<{ question: LabelledQuestion; hits: KnowledgeHit[] }> = [];

beforeAll(async () => {
  store = new KnowledgeStore({ url: inject('chromaUrl'), embedder: new LocalEmbedder() });
  set = JSON.parse(await readFile(join(fixtures, 'questions.json'), 'utf8')) as QuestionSet;
  for (const name of set.documents) {
    const text = await readFile(join(fixtures, name), 'utf8');
    await store.upsertDocument(tenantId, { id: name, version: 1, source: name, chunks: chunkText(text) });
  }
  for (const question of set.questions) results.push({ question, hits: await store.query(tenantId, question.question, { topK: 3 }) });
});

afterAll(async () => {
  await store.dropTenant(tenantId);
});

describe('retrieval over a shop knowledge base with the local embedder', () => {
  it("finds the answering document in the top 3 for paraphrased questions, typos and French/Arabic included, and most clear the \"I don't know\" threshold", () => {
    const misses = results.filter(({ question, hits }) => !hits.some((hit) => hit.documentId === question.document));
    const recall = 1 - misses.length / results.length;
    const headingHits = results.filter(({ question, hits }) => question.heading !== null && hits.some((hit) => hit.title === question.heading)).length;
    const withHeading = results.filter(({ question }) => question.heading !== null).length;
    process.stdout.write(
      `knowledge retrieval: recall@3 = ${recall.toFixed(3)} (${results.length - misses.length}/${results.length}), ` +
        `heading in top 3 = ${headingHits}/${withHeading}, floors ${recall3Floor} and ${recall1Floor} (recall@1)\n` +
        misses.map(({ question, hits }) => `  miss: "${question.question}" → ${hits.map((hit) => `${hit.documentId}/${hit.title ?? '-'} ${hit.score.toFixed(2)}`).join(', ')}\n`).join(''),
    );
    const first = results.filter(({ question, hits }) => hits[0]?.documentId === question.document).length;
    process.stdout.write(`  recall@1 = ${(first / results.length).toFixed(3)} (${first}/${results.length})\n`);
    const scores = results.map(({ hits }) => hits[0]?.score ?? 0).sort((a, b) => a - b);
    const answered = scores.filter((score) => score >= dontKnowThreshold).length / scores.length;
    process.stdout.write(`  top-1 scores: ${scores.map((score) => score.toFixed(3)).join(' ')}; ${(answered * 100).toFixed(0)}% clear ${dontKnowThreshold}\n`);
    expect(answered, `only ${(answered * 100).toFixed(0)}% of answerable questions clear the "I don't know" threshold`).toBeGreaterThanOrEqual(answeredFloor);
    expect(recall, `recall@3 ${recall.toFixed(3)} fell below the floor ${recall3Floor}`).toBeGreaterThanOrEqual(recall3Floor);
    expect(first / results.length, `recall@1 fell below the floor ${recall1Floor}`).toBeGreaterThanOrEqual(recall1Floor);
  });

  it('scores a question the documents do not answer below the "I don\'t know" threshold', async () => {
    for (const question of set.absent) {
      const [best] = await store.query(tenantId, question, { topK: 1 });
      process.stdout.write(`  absent: "${question}" best ${best?.score.toFixed(3)} (${best?.documentId}/${best?.title ?? '-'})\n`);
      expect(best?.score ?? 0, `"${question}" matched ${best?.documentId}`).toBeLessThan(dontKnowThreshold);
      expect(await store.query(tenantId, question, { minScore: dontKnowThreshold })).toEqual([]);
    }
  });
});
