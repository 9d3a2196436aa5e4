import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { KnowledgeDocumentList, KnowledgeProgress, KnowledgeQueryResult, KnowledgeReembedResult, KnowledgeUploadResult } from '@switchboard/contracts';
import { fetchPage } from '@switchboard/hub';
import { ChromaClient } from 'chromadb';
import { collectionNameFor, KnowledgeIngestion, KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { docxWithBlocks, eventually, pdfWithText, testLogger } from '@switchboard/testing';
import { LiveStack, record, type Workspace } from './support/live-stack.ts';

// Background ingestion of the knowledge base on real NATS (the SB_KNOWLEDGE work queue),
// PostgreSQL and Chroma: uploads answer 202 at once, a worker indexes them, consoles see progress.
let stack: LiveStack;
let shop: Workspace;
let other: Workspace;
let pages: Server;
let pagesUrl: string;

const page = `<!doctype html><html><head><title>Care guide</title><script>var secret = "do not index";</script></head>
<body><nav><a href="/">Home</a></nav><h1>Leather care</h1><p>Wipe leather boots with a damp cloth and apply beeswax balm every 3 months.</p>
<h2>Suede</h2><p>Brush suede with a soft brass brush; never use water.</p></body></html>`;

beforeAll(async () => {
  // This stack's runner runs no knowledge worker of its own: the tests start and stop one, as a restart would.
  stack = await LiveStack.start({ knowledge: { allowPrivateUrls: true }, knowledgeWorker: false });
  shop = await stack.signUp('kbi-shop');
  other = await stack.signUp('kbi-other');
  pages = createServer((request, response) => {
    if (request.url === '/care') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/care' });
      response.end();
    } else if (request.url === '/huge') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<p>${'x'.repeat(6 * 1024 * 1024)}</p>`);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

function newWorker(): KnowledgeIngestion {
  const store = new KnowledgeStore({ url: inject('chromaUrl'), embedder: new LocalEmbedder() });
  return new KnowledgeIngestion({ bus: stack.bus, orm: stack.orm, store, logger: testLogger(), sweepIntervalMs: 0 });
}

async function ask(token: string, question: string): Promise<KnowledgeQueryResult['chunks']> {
  return (await stack.api<KnowledgeQueryResult>(token, 'POST', '/api/v1/knowledge/query', { question })).chunks;
}

describe('background ingestion', () => {
  it('keeps a queued document through a worker restart and indexes it once a worker runs again', async () => {
    const first = newWorker();
    await first.start();
    await first.stop();

    const response = await stack.uploadFile(shop.token, { name: 'returns.pdf', mediaType: 'application/pdf', bytes: pdfWithText([['Returns'], ['Opened headphones can be exchanged within 14 days.']]) });
    expect(response.statusCode).toBe(202);
    const queued = response.json<KnowledgeUploadResult>();
    expect(queued).toMatchObject({ changed: true, document: { source: 'returns.pdf', format: 'pdf', version: 1, status: 'queued', chunksDone: 0 } });
    const { items } = await stack.api<KnowledgeDocumentList>(shop.token, 'GET', '/api/v1/knowledge');
    expect(items.map((item) => item.status)).toEqual(['queued']);

    const second = newWorker();
    await second.start();
    try {
      const [ready] = await stack.knowledgeSettled(shop.token, 1);
      expect(ready).toMatchObject({ id: queued.document.id, status: 'ready', version: 1 });
      expect(ready?.chunksDone).toBe(ready?.chunkCount);
      expect(ready?.chunkCount).toBeGreaterThan(0);
      const [best] = await ask(shop.token, 'can I exchange opened headphones?');
      expect(best).toMatchObject({ source: 'returns.pdf', documentId: queued.document.id });
      expect(best?.text).toContain('14 days');
    } finally {
      await second.stop();
    }
  });

  describe('with a worker running', () => {
    let worker: KnowledgeIngestion;
    beforeAll(async () => {
      worker = newWorker();
      await worker.start();
    });
    afterAll(async () => {
      await worker?.stop();
    });

    it("sends progress to the tenant's consoles only, ending with ready", async () => {
      const mine = await stack.console(shop.token);
      const theirs = await stack.console(other.token);
      const seenMine = record(mine, ['knowledge.progress']);
      const seenTheirs = record(theirs, ['knowledge.progress']);
      const docx = await docxWithBlocks(['# Warranty', 'Every kettle carries a 2 year warranty against defects.', '## Claims', 'Send a photo of the receipt to claims@example.test.']);
      const response = await stack.uploadFile(shop.token, { name: 'warranty.docx', bytes: docx });
      expect(response.statusCode).toBe(202);
      const { document } = response.json<KnowledgeUploadResult>();
      const progress = () => seenMine.map((event) => (event.payload as { data: KnowledgeProgress }).data).filter((data) => data.documentId === document.id);
      const done = await eventually(() => progress().find((data) => data.status === 'ready'), 'the ready progress event');
      expect(done.chunksDone).toBe(done.chunksTotal);
      expect(progress().map((data) => data.status)).toContain('queued');
      // Both sockets read the same ordered event stream: once A has seen "ready", B would have seen it too.
      expect(seenTheirs).toEqual([]);
      mine.disconnect();
      theirs.disconnect();
      const [best] = await ask(shop.token, 'how long is the kettle warranty?');
      expect(best).toMatchObject({ source: 'warranty.docx', title: 'Warranty' });
    });

    it('imports a web page by URL, following a redirect, keeping its headings and leaving out scripts', async () => {
      const response = await stack.app.inject({ method: 'POST', url: '/api/v1/knowledge/url', headers: { authorization: `Bearer ${shop.token}` }, payload: { url: `${pagesUrl}/moved` } });
      expect(response.statusCode).toBe(202);
      const { document } = response.json<KnowledgeUploadResult>();
      expect(document).toMatchObject({ source: `${pagesUrl}/moved`, format: 'html', status: 'queued' });
      await eventually(async () => (await stack.api<KnowledgeDocumentList>(shop.token, 'GET', '/api/v1/knowledge')).items.find((item) => item.id === document.id && item.status === 'ready'), 'the page indexed');
      const [best] = await ask(shop.token, 'how do I clean suede?');
      expect(best).toMatchObject({ title: 'Suede', source: `${pagesUrl}/moved` });
      expect(best?.text).toContain('brass brush');
      expect(await stack.sql<{ content: string }>('select content from knowledge_documents where id = $1', [document.id])).toEqual([
        { content: expect.not.stringContaining('do not index') as unknown },
      ]);
    });

    it('refuses a page over the size cap and one that is not found, naming the url field', async () => {
      for (const path of ['/huge', '/missing']) {
        const response = await stack.app.inject({ method: 'POST', url: '/api/v1/knowledge/url', headers: { authorization: `Bearer ${shop.token}` }, payload: { url: `${pagesUrl}${path}` } });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/url' }] } });
      }
    });

    it('re-embeds every document in the background and answers from them again', async () => {
      const before = await stack.api<KnowledgeDocumentList>(shop.token, 'GET', '/api/v1/knowledge');
      const mine = await stack.console(shop.token);
      const seen = record(mine, ['knowledge.progress']);
      const result = await stack.api<KnowledgeReembedResult>(shop.token, 'POST', '/api/v1/knowledge/reembed');
      expect(result).toEqual({ queued: before.items.length });
      const after = await stack.knowledgeSettled(shop.token, before.items.length);
      expect(after.map((item) => [item.id, item.version, item.status])).toEqual(before.items.map((item) => [item.id, item.version, 'ready']));
      const readyIds = () => new Set(seen.map((event) => (event.payload as { data: KnowledgeProgress }).data).filter((data) => data.status === 'ready').map((data) => data.documentId));
      await eventually(() => readyIds().size === before.items.length, 'a ready event per document');
      mine.disconnect();
      const [best] = await ask(shop.token, 'can I exchange opened headphones?');
      expect(best?.source).toBe('returns.pdf');
    });

    it('deletes a document that is still queued, and nothing of it is indexed later', async () => {
      await worker.stop();
      const response = await stack.uploadFile(shop.token, { name: 'gift-cards.md', bytes: new TextEncoder().encode('# Gift cards\n\nGift cards from Zebulon Outfitters never expire.') });
      expect(response.statusCode).toBe(202);
      const { document } = response.json<KnowledgeUploadResult>();
      await stack.api(shop.token, 'DELETE', `/api/v1/knowledge/${document.id}`);
      worker = newWorker();
      await worker.start();
      // A later upload is indexed after the deleted one's queue message, so its readiness proves the worker got past it.
      const later = await stack.api<KnowledgeUploadResult>(shop.token, 'POST', '/api/v1/knowledge', { source: 'later.md', format: 'markdown', content: '# Later\n\nThe shop opens at nine.' });
      await eventually(async () => (await stack.api<KnowledgeDocumentList>(shop.token, 'GET', '/api/v1/knowledge')).items.find((item) => item.id === later.document.id && item.status === 'ready'), 'the later upload indexed');
      const hits = await ask(shop.token, 'do Zebulon Outfitters gift cards expire?');
      expect(hits.map((hit) => hit.documentId)).not.toContain(document.id);
    });
  });
});

describe('recovery', () => {
  it('queues again a document whose queue message was lost, when a worker starts', async () => {
    const lost = await stack.signUp('kbi-lost');
    const uploaded = await stack.api<KnowledgeUploadResult>(lost.token, 'POST', '/api/v1/knowledge', { source: 'hours.md', format: 'markdown', content: '# Hours\n\nThe Tangier shop opens at ten on Sundays.' });
    // As if the hub had stopped between storing the row and publishing it: no message, an old row.
    await stack.bus.jsm.streams.purge('SB_KNOWLEDGE');
    await stack.sql(`update knowledge_documents set updated_at = now() - interval '5 minutes' where id = $1`, [uploaded.document.id]);
    const worker = newWorker();
    await worker.start();
    try {
      const [ready] = await stack.knowledgeSettled(lost.token, 1);
      expect(ready).toMatchObject({ id: uploaded.document.id, status: 'ready' });
    } finally {
      await worker.stop();
    }
  });

  it('after an embedder change, marks new uploads failed with a reason, and re-embedding indexes everything again', async () => {
    const changed = await stack.signUp('kbi-model');
    // The workspace's collection as an earlier embedder left it.
    const url = new URL(inject('chromaUrl'));
    const chroma = new ChromaClient({ host: url.hostname, port: Number(url.port) });
    await chroma.createCollection({ name: collectionNameFor(changed.tenantId), embeddingFunction: null, metadata: { embedder: 'old-model-v1', dimension: 3 } });
    const worker = newWorker();
    await worker.start();
    try {
      await stack.api(changed.token, 'POST', '/api/v1/knowledge', { source: 'sizes.md', format: 'markdown', content: '# Sizes\n\nOur sandals run one size small.' });
      const [failed] = await stack.knowledgeSettled(changed.token, 1);
      expect(failed).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/old-model-v1/) as unknown });

      expect(await stack.api<KnowledgeReembedResult>(changed.token, 'POST', '/api/v1/knowledge/reembed')).toEqual({ queued: 1 });
      await eventually(async () => (await stack.api<KnowledgeDocumentList>(changed.token, 'GET', '/api/v1/knowledge')).items[0]?.status === 'ready', 'the document re-indexed');
      const [best] = await ask(changed.token, 'do the sandals run small?');
      expect(best).toMatchObject({ source: 'sizes.md', title: 'Sizes' });
    } finally {
      await worker.stop();
    }
  });
});

describe('bad uploads', () => {
  const upload = (name: string, bytes: Uint8Array, mediaType?: string) => stack.uploadFile(other.token, { name, bytes, ...(mediaType ? { mediaType } : {}) });

  it('refuses a corrupt PDF with a 400 naming the file, and stores nothing', async () => {
    const good = pdfWithText([['A perfectly fine page.']]);
    for (const bytes of [new TextEncoder().encode('%PDF-1.4\nthis is not a pdf body at all'), good.subarray(0, 120)]) {
      const response = await upload('broken.pdf', bytes, 'application/pdf');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', message: expect.stringMatching(/damaged PDF/) as unknown, issues: [{ path: '/file' }] } });
    }
    const notPdf = await upload('notes.pdf', new TextEncoder().encode('just some text'));
    expect(notPdf.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', message: expect.stringMatching(/not a PDF/) as unknown } });
    expect((await stack.api<KnowledgeDocumentList>(other.token, 'GET', '/api/v1/knowledge')).items).toEqual([]);
  });

  it('refuses a damaged DOCX, an unknown format, an empty file and a file over the size limit', async () => {
    const cases: Array<[string, Uint8Array, number, RegExp]> = [
      ['manual.docx', new TextEncoder().encode('PK\u0003\u0004 not really a zip'), 400, /damaged DOCX/],
      ['photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 400, /not a format/],
      ['empty.txt', new Uint8Array(0), 400, /empty/],
      ['big.txt', new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61), 413, /larger than/],
    ];
    for (const [name, bytes, status, message] of cases) {
      const response = await upload(name, bytes);
      expect(response.statusCode, name).toBe(status);
      expect(response.json<{ error: { message: string } }>().error.message, name).toMatch(message);
    }
    expect((await stack.api<KnowledgeDocumentList>(other.token, 'GET', '/api/v1/knowledge')).items).toEqual([]);
  });

  it('refuses PDF or DOCX sent as JSON text, pointing at the file upload', async () => {
    const response = await stack.app.inject({ method: 'POST', url: '/api/v1/knowledge', headers: { authorization: `Bearer ${other.token}` }, payload: { source: 'x.pdf', format: 'pdf', content: 'text' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { issues: [{ path: '/format' }] } });
  });

  it('refuses URL imports of loopback and private addresses unless they are allowed', async () => {
    const options = { maxBytes: 1_000_000, timeoutMs: 5_000, allowPrivate: false };
    for (const url of [`${pagesUrl}/care`, 'http://localhost:9/', 'http://10.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data']) {
      await expect(fetchPage(url, options), url).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION', issues: [{ path: '/url', message: expect.stringMatching(/private or loopback/) as unknown }] });
    }
    await expect(fetchPage('ftp://example.test/file', options)).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION', issues: [{ path: '/url', message: 'must be http or https' }] });
    await expect(fetchPage(`${pagesUrl}/care`, { ...options, allowPrivate: true })).resolves.toMatchObject({ contentType: 'text/html; charset=utf-8' });
  });
});
