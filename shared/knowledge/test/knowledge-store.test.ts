import { randomUUID } from 'node:crypto';
import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '@switchboard/errors';
import { collectionNameFor, KnowledgeStore, type KnowledgeDocument } from '../src/knowledge-store.ts';
import { LocalEmbedder } from '../src/local-embedder.ts';
import { chunkText } from '../src/text-chunker.ts';

const tenantA = randomUUID();
const tenantB = randomUUID();
let store: KnowledgeStore;

const shipping = (version: number, body: string): KnowledgeDocument => ({
  id: 'doc-shipping',
  version,
  source: 'shipping.md',
  chunks: chunkText(body, { size: 200, overlap: 40 }),
});

const shippingV1 = [
  '# Delivery times',
  'Parcels to France arrive in 2 to 3 working days with Colissimo. Parcels to the European Union arrive in 4 to 7 working days.',
  '# Costs',
  'Delivery in France costs 4.90 EUR and is free above 60 EUR. International delivery costs 19 EUR.',
].join('\n\n');

const hoursDoc: KnowledgeDocument = {
  id: 'doc-hours',
  version: 1,
  source: 'hours.txt',
  chunks: chunkText('The shop in Lyon opens Tuesday to Saturday from 10:00 to 19:00 and is closed on Mondays.'),
};

beforeAll(() => {
  store = new KnowledgeStore({ url: inject('chromaUrl'), embedder: new LocalEmbedder() });
});

afterAll(async () => {
  await store.dropTenant(tenantA);
  await store.dropTenant(tenantB);
});

describe('knowledge store on a real Chroma', () => {
  it('answers a question about a stored fact with the chunk that holds it, citing its source and heading', async () => {
    await store.upsertDocument(tenantA, shipping(1, shippingV1));
    await store.upsertDocument(tenantA, hoursDoc);
    const hits = await store.query(tenantA, 'how much is shipping inside france?');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toMatchObject({ documentId: 'doc-shipping', documentVersion: 1, source: 'shipping.md', title: 'Costs' });
    expect(hits[0]?.text).toContain('4.90 EUR');
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
    const [hours] = await store.query(tenantA, 'are you open on monday', { topK: 1 });
    expect(hours).toMatchObject({ documentId: 'doc-hours', source: 'hours.txt', chunkIndex: 0, title: null });
  });

  it('leaves out chunks under the minimum score and returns at most topK', async () => {
    expect(await store.query(tenantA, 'delivery', { topK: 1 })).toHaveLength(1);
    const all = await store.query(tenantA, 'delivery to france', { topK: 10 });
    expect(all.length).toBe(await store.countChunks(tenantA));
    const threshold = ((all[0]?.score ?? 0) + (all.at(-1)?.score ?? 0)) / 2;
    const kept = await store.query(tenantA, 'delivery to france', { topK: 10, minScore: threshold });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.length);
    for (const hit of kept) expect(hit.score).toBeGreaterThanOrEqual(threshold);
  });

  it('stores the same document version only once, however often it is upserted', async () => {
    const before = await store.countChunks(tenantA, 'doc-shipping');
    expect(before).toBe(shipping(1, shippingV1).chunks.length);
    expect(await store.upsertDocument(tenantA, shipping(1, shippingV1))).toEqual({ changed: false, chunks: before });
    expect(await store.countChunks(tenantA, 'doc-shipping')).toBe(before);
  });

  it('replaces the old chunks when a new version of the document arrives', async () => {
    const v2 = shipping(2, 'Delivery in France now costs 5.50 EUR and is free above 80 EUR.');
    expect(await store.upsertDocument(tenantA, v2)).toEqual({ changed: true, chunks: 1 });
    expect(await store.countChunks(tenantA, 'doc-shipping')).toBe(1);
    const hits = await store.query(tenantA, 'how much is shipping inside france?', { topK: 10 });
    const shippingHits = hits.filter((hit) => hit.documentId === 'doc-shipping');
    expect(shippingHits).toHaveLength(1);
    expect(shippingHits[0]).toMatchObject({ documentVersion: 2 });
    expect(shippingHits[0]?.text).toContain('5.50 EUR');
    expect(hits.some((hit) => hit.text.includes('4.90'))).toBe(false);
  });

  it('deletes every vector of a deleted document and leaves the others', async () => {
    await store.deleteDocument(tenantA, 'doc-shipping');
    expect(await store.countChunks(tenantA, 'doc-shipping')).toBe(0);
    const hits = await store.query(tenantA, 'delivery costs in france', { topK: 10 });
    expect(hits.map((hit) => hit.documentId)).toEqual(['doc-hours']);
    const url = new URL(inject('chromaUrl'));
    const raw = await new ChromaClient({ host: url.hostname, port: Number(url.port) }).getCollections([collectionNameFor(tenantA)]);
    expect(await raw[0]?.count()).toBe(hoursDoc.chunks.length);
  });

  it("never returns one tenant's chunks to another tenant's question", async () => {
    expect(await store.query(tenantB, 'are you open on monday')).toEqual([]);
    await store.upsertDocument(tenantB, { id: 'doc-b', version: 1, source: 'b.md', chunks: chunkText('We sell bicycles and repair them on Fridays.') });
    const hits = await store.query(tenantB, 'are you open on monday, the shop in Lyon', { topK: 10 });
    expect(hits.map((hit) => hit.documentId)).toEqual(['doc-b']);
    expect(collectionNameFor(tenantA)).not.toBe(collectionNameFor(tenantB));
  });

  it('refuses a tenant id that is not a UUID, so no name can reach another collection', async () => {
    for (const bad of ['kb', '../other', `${tenantA}x`, '*']) {
      await expect(store.query(bad, 'anything')).rejects.toBeInstanceOf(AppError);
    }
    expect(collectionNameFor(tenantA.toUpperCase())).toBe(`kb_${tenantA.replaceAll('-', '')}`);
  });

  it('drops a tenant whole, and dropping it again is not an error', async () => {
    await store.dropTenant(tenantB);
    expect(await store.countChunks(tenantB)).toBe(0);
    expect(await store.query(tenantB, 'bicycles')).toEqual([]);
    await expect(store.dropTenant(tenantB)).resolves.toBeUndefined();
  });
});
