import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeUploadResult } from '@switchboard/contracts';
import { pdfWithText } from '@switchboard/testing';
import { LiveStack, type Workspace } from './support/live-stack.ts';

// The knowledge base end to end: an owner uploads a document over REST, and the runner's offline
// responder answers widget customers from it, on real NATS, PostgreSQL and Chroma.
let stack: LiveStack;
let shop: Workspace;
let other: Workspace;
let documentId: string;

const shipping = [
  '# Delivery times',
  '',
  'Orders to Casablanca arrive in 3 working days with Amana Express. Orders to other cities take 5 working days.',
  '',
  '# Payment',
  '',
  'We accept cards and cash on delivery.',
].join('\n');

beforeAll(async () => {
  stack = await LiveStack.start();
  shop = await stack.signUp('kb-shop');
  other = await stack.signUp('kb-other');
  const uploaded = await stack.api<KnowledgeUploadResult>(shop.token, 'POST', '/api/v1/knowledge', { source: 'shipping.md', format: 'markdown', content: shipping });
  documentId = uploaded.document.id;
  const returns = await stack.uploadFile(shop.token, {
    name: 'returns-policy.pdf',
    mediaType: 'application/pdf',
    bytes: pdfWithText([['Returns'], ['Unworn sneakers can be returned within 45 days for a full refund.']]),
  });
  if (returns.statusCode !== 202) throw new Error(`PDF upload answered ${returns.statusCode} ${returns.body}`);
  await stack.knowledgeSettled(shop.token, 2);
});

afterAll(async () => {
  await stack?.close();
});

/** The text the bot answers a new widget visitor of `workspace` who asks `text`. */
const botAnswers = async (workspace: Workspace, text: string) => (await stack.botAnswers(workspace, text)).text ?? '';

describe('answers from the knowledge base', () => {
  it('answers a question about a fact in an uploaded document with the fact and its source', async () => {
    const reply = await botAnswers(shop, 'how long does delivery to casablanca take?');
    expect(reply).toContain('3 working days');
    expect(reply).toContain('Source: shipping.md');
  });

  it('answers from a fact in an uploaded PDF, citing the PDF', async () => {
    const reply = await botAnswers(shop, 'can I return sneakers for a refund?');
    expect(reply).toContain('45 days');
    expect(reply).toContain('Source: returns-policy.pdf');
  });

  it('says it does not know something the documents do not cover, and offers a person', async () => {
    const reply = await botAnswers(shop, 'do you sell surfboards?');
    expect(reply).toMatch(/don't know/i);
    expect(reply).toMatch(/member of our team/i);
    expect(reply).not.toContain('3 working days');
  });

  it("never answers another tenant's customer from this tenant's documents", async () => {
    const reply = await botAnswers(other, 'how long does delivery to casablanca take?');
    expect(reply).not.toContain('3 working days');
    expect(reply).not.toContain('shipping.md');
  });

  it('re-uploading the same document changes nothing', async () => {
    const again = await stack.api<KnowledgeUploadResult>(shop.token, 'POST', '/api/v1/knowledge', { source: 'shipping.md', format: 'markdown', content: shipping });
    expect(again).toMatchObject({ changed: false, document: { id: documentId, version: 1, status: 'ready' } });
  });

  it('no longer answers the fact once its document is deleted', async () => {
    await stack.api(shop.token, 'DELETE', `/api/v1/knowledge/${documentId}`);
    const { items } = await stack.api<{ items: Array<{ source: string }> }>(shop.token, 'GET', '/api/v1/knowledge');
    expect(items.map((item) => item.source)).toEqual(['returns-policy.pdf']);
    const reply = await botAnswers(shop, 'how long does delivery to casablanca take?');
    expect(reply).not.toContain('3 working days');
  });
});
