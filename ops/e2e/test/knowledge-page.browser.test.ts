import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KnowledgeIngestion, KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { pdfWithText, testLogger } from '@switchboard/testing';
import { LiveStack, password, type Workspace } from './support/live-stack.ts';

// The console's knowledge page in Debian's Chromium, on the real hub, NATS, PostgreSQL and Chroma:
// an owner uploads a PDF, watches it go from queued to ready without reloading, asks a test
// question, and deletes the document. `npm test` builds the console first.
const root = resolve(import.meta.dirname, '../../..');
const dashboardDir = resolve(root, 'dist/dashboard/browser');
const wait = { timeout: 15_000 };

let stack: LiveStack;
let browser: Browser;
let shop: Workspace;
let worker: KnowledgeIngestion | undefined;

beforeAll(async () => {
  if (!existsSync(resolve(dashboardDir, 'index.html'))) {
    throw new Error(`no console build in ${dashboardDir}: run \`npm run build:dashboard\` (npm test does it)`);
  }
  // No worker in the hub: the test starts one once the page shows the document queued.
  stack = await LiveStack.start({ dashboardDir, knowledgeWorker: false });
  shop = await stack.signUp('kb-page');
  await stack.sql('update users set email_verified_at = now() where id = $1', [shop.ownerId]);
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await worker?.stop();
  await browser?.close();
  await stack?.close();
});

describe('the knowledge page', () => {
  it('uploads a PDF, shows its indexing progress live until ready, finds it for a test question and deletes it', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.url}/knowledge`);
    await page.getByTestId('login-form').waitFor(wait);
    await page.getByLabel('Email').fill('owner-kb-page@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('kb-empty').waitFor(wait);
    // The live link is up before the upload, so the progress events reach this page.
    await page.locator('[data-testid=kb-live][data-online=true]').waitFor(wait);

    await page.getByLabel('Choose files').setInputFiles({
      name: 'care-guide.pdf',
      mimeType: 'application/pdf',
      buffer: pdfWithText([['Care guide'], ['Wash the linen aprons at 30 degrees and hang them to dry.']]),
    });
    const item = page.locator('[data-testid=kb-item][data-source="care-guide.pdf"]');
    await item.and(page.locator('[data-status=queued]')).waitFor(wait);
    await expect.poll(() => item.getByTestId('kb-progress').count(), wait).toBe(1);

    worker = new KnowledgeIngestion({ bus: stack.bus, orm: stack.orm, store: new KnowledgeStore({ url: inject('chromaUrl'), embedder: new LocalEmbedder() }), logger: testLogger(), sweepIntervalMs: 0 });
    await worker.start();
    await item.and(page.locator('[data-status=ready]')).waitFor(wait);
    await expect.poll(() => item.getByTestId('kb-progress').count(), wait).toBe(0);
    expect(await item.textContent()).toMatch(/PDF · version 1 · 1 chunk/);

    await page.getByTestId('kb-question').fill('how do I wash the aprons?');
    await page.getByTestId('kb-ask').click();
    const chunk = page.getByTestId('kb-chunk').first();
    await chunk.waitFor(wait);
    expect(await chunk.textContent()).toContain('care-guide.pdf');
    expect(await chunk.textContent()).toContain('30 degrees');

    await item.getByTestId('kb-delete').click();
    await item.getByTestId('kb-delete-confirm').click();
    await page.getByTestId('kb-empty').waitFor(wait);
    expect(await stack.sql('select id from knowledge_documents')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
