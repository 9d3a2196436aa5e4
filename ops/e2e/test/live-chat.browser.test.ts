import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMediaId } from '@switchboard/bus';
import { publishInbound } from '@switchboard/connectors';
import { mediaRef } from '@switchboard/contracts';
import { mediaStore } from '@switchboard/db';
import { buildWidget } from '@switchboard/dev';
import { hashPassword } from '@switchboard/security';
import { LiveStack, password } from './support/live-stack.ts';

// The product as its two kinds of people use it: a shopper on the demo storefront chatting in the
// widget, and an agent in the console in another browser context, on the real hub, runner,
// nats-server and PostgreSQL, in Debian's Chromium. `npm test` builds the console first.
const root = resolve(import.meta.dirname, '../../..');
const dashboardDir = resolve(root, 'dist/dashboard/browser');
/** Every wait is bounded: a broken step fails in this long, not at the test's timeout. */
const wait = { timeout: 15_000 };

// `build()` reads the demo tenant's id once, at start, but looks its webchat key up per request:
// so the id is chosen here and the tenant is inserted under it once the stack is up.
const demoTenantId = randomUUID();
const agent = { name: 'Nadia Haddad', email: `nadia-${randomUUID().slice(0, 8)}@example.test` };

let stack: LiveStack;
let workDir: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve(dashboardDir, 'index.html'))) {
    throw new Error(`no console build in ${dashboardDir}: run \`npm run build:dashboard\` (npm test does it)`);
  }
  // The widget is built from the current source into a directory of this file's own, so a
  // concurrent build of dist/widget cannot hand it half a file.
  workDir = await mkdtemp(join(tmpdir(), 'sb-live-chat-'));
  const widgetFile = join(workDir, 'widget.js');
  await buildWidget(root, widgetFile);
  stack = await LiveStack.start({ dashboardDir, widgetFile, demoTenantId });
  await seedDemoStore();
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

/**
 * The demo store as `seedDemoTenant` makes it (tenant, which a trigger gives its webchat channel,
 * and a member who can sign in), under the id the hub was started with.
 */
async function seedDemoStore(): Promise<void> {
  await stack.sql('insert into tenants (id, name, slug) values ($1, $2, $3)', [demoTenantId, 'Demo Store', `demo-store-${demoTenantId.slice(0, 6)}`]);
  const [user] = await stack.sql<{ id: string }>(
    'insert into users (email, name, password_hash, email_verified_at) values ($1, $2, $3, now()) returning id',
    [agent.email, agent.name, await hashPassword(password)],
  );
  await stack.sql(`insert into memberships (tenant_id, user_id, role) values ($1, $2, 'agent')`, [demoTenantId, user?.id]);
}

/** The agent signed in to the console in a browser of their own, on the Bot tab. */
async function signInAgent(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(`${stack.url}/inbox`);
  await page.getByTestId('login-form').waitFor(wait);
  await page.getByLabel('Email').fill(agent.email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tab-bot').click(wait);
  return { page, errors };
}

/** Collects uncaught errors, so a broken page fails the test even when it looks right. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Waits until `locator` matches exactly `count` elements. */
async function expectCount(locator: Locator, count: number, what: string): Promise<void> {
  await expect.poll(() => locator.count(), { ...wait, message: what }).toBe(count);
}

describe('a live chat in two browsers', () => {
  it('passes a shopper from the bot to an agent who claims, answers as themselves and releases the chat, after which the bot answers again', async () => {
    // ── the agent signs in to the console and watches the Bot tab ──
    const { page: agentPage, errors: agentErrors } = await signInAgent();
    await agentPage.getByTestId('inbox-empty').waitFor(wait);
    // The console's live link is up (the toggle is enabled only then), so what follows arrives live.
    await agentPage.locator('[data-testid=presence-toggle]:enabled', { hasText: 'Online' }).waitFor(wait);

    // ── the shopper opens the chat on the storefront and writes ──
    const shopPage = await (await browser.newContext()).newPage();
    const shopErrors = watchErrors(shopPage);
    await shopPage.goto(`${stack.url}/demo/store`);
    await shopPage.getByTestId('sb-launcher').click(wait);
    await shopPage.getByTestId('sb-panel').waitFor(wait);
    const widgetMessages = (kind: string) => shopPage.locator(`[data-testid=sb-message][data-author-kind=${kind}]`);
    await shopPage.getByTestId('sb-input').fill('Hello, do you ship to Spain?');
    await shopPage.getByTestId('sb-send').click();
    await widgetMessages('bot').first().waitFor(wait);

    // ── the agent sees the conversation appear in the Bot tab without reloading, and reads it ──
    const row = agentPage.getByTestId('conversation-row');
    await row.first().waitFor(wait);
    await expectCount(row, 1, 'one conversation in the Bot tab');
    const conversationId = (await row.getAttribute('data-conversation-id')) ?? '';
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await row.getAttribute('data-status')).toBe('bot');
    await row.click();
    const timeline = (kind: string) => agentPage.locator(`[data-testid=timeline-message][data-author-kind=${kind}]`);
    await timeline('customer').filter({ hasText: 'Hello, do you ship to Spain?' }).waitFor(wait);
    await timeline('bot').first().waitFor(wait);

    // ── the shopper asks for a person: the conversation moves, live, to the agent's Waiting tab ──
    await agentPage.getByTestId('tab-awaiting').click();
    await agentPage.getByTestId('inbox-empty').waitFor(wait);
    await shopPage.getByTestId('sb-input').fill('I want to talk to a human');
    await shopPage.getByTestId('sb-send').click();
    await agentPage.locator(`[data-testid=conversation-row][data-conversation-id="${conversationId}"][data-status=awaiting_agent]`).waitFor(wait);
    await expect.poll(() => agentPage.getByTestId('count-awaiting').textContent(), wait).toBe('1');
    await expect.poll(() => agentPage.getByTestId('count-bot').textContent(), wait).toBe('0');
    await timeline('customer').filter({ hasText: 'I want to talk to a human' }).waitFor(wait);
    // The bot says it is fetching someone; counted before the claim, so a late notice is not taken for chatter.
    await expectCount(widgetMessages('bot'), 2, "the bot's handoff notice in the widget");

    // ── the agent claims it and answers ──
    await agentPage.getByTestId('claim-button').click(wait);
    await agentPage.getByTestId('release-button').waitFor(wait);
    await agentPage.locator('[data-testid=conversation-status][data-status=agent]').waitFor(wait);
    await widgetMessages('system').filter({ hasText: `${agent.name} joined the chat` }).waitFor(wait);
    // The shopper writes while the agent holds the chat; the bot must stay silent from here on.
    const botAnswersBefore = await widgetMessages('bot').count();
    await shopPage.getByTestId('sb-input').fill('How much is shipping?');
    await shopPage.getByTestId('sb-send').click();
    await timeline('customer').filter({ hasText: 'How much is shipping?' }).waitFor(wait);
    await agentPage.getByTestId('composer-input').fill('Shipping to Spain is 9 euros.');
    await agentPage.getByTestId('composer-send').click();
    await timeline('agent').filter({ hasText: 'Shipping to Spain is 9 euros.' }).waitFor(wait);

    // ── the shopper sees the answer under the agent's name, and no word from the bot ──
    const reply = widgetMessages('agent').filter({ hasText: 'Shipping to Spain is 9 euros.' });
    await reply.waitFor(wait);
    expect(await reply.getByTestId('sb-agent-name').textContent()).toBe(agent.name);
    expect(await widgetMessages('bot').count()).toBe(botAnswersBefore);
    // Nor in the store: the bot wrote nothing after the question the agent answered.
    const botAfterClaim = await stack.sql(
      `select 1 from messages where conversation_id = $1 and author_kind = 'bot' and created_at > (select created_at from messages where conversation_id = $1 and text = 'How much is shipping?')`,
      [conversationId],
    );
    expect(botAfterClaim).toEqual([]);

    // ── the agent releases the chat; the bot answers the shopper's next message ──
    await agentPage.getByTestId('release-button').click();
    await agentPage.locator('[data-testid=conversation-status][data-status=bot]').waitFor(wait);
    await shopPage.getByTestId('sb-input').fill('Thanks! And do you sell gift cards?');
    await shopPage.getByTestId('sb-send').click();
    await expectCount(widgetMessages('bot'), botAnswersBefore + 1, "the bot's answer after the release");
    await timeline('customer').filter({ hasText: 'Thanks! And do you sell gift cards?' }).waitFor(wait);
    await expectCount(timeline('bot'), botAnswersBefore + 1, "the bot's answers in the console");

    expect(shopErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
  });

  it("shows a customer's photo and voice note in the timeline, offers a document as a download, and sends the agent's own file from the composer", async () => {
    // A WhatsApp customer's message as the connector hands it on: the files already in the media store.
    const [channel] = await stack.sql<{ id: string }>(`insert into channels (tenant_id, type, name) values ($1, 'whatsapp', 'Shop phone') returning id`, [demoTenantId]);
    const channelId = channel?.id ?? '';
    const externalMessageId = `false_212600000777@c.us_${randomUUID().slice(0, 8)}`;
    const files = [
      { kind: 'image' as const, mimeType: 'image/png', fileName: 'parcel.png', bytes: Buffer.from(onePixelPng, 'base64') },
      { kind: 'audio' as const, mimeType: 'audio/ogg', bytes: Buffer.from('OggS voice') },
      { kind: 'document' as const, mimeType: 'application/pdf', fileName: 'invoice.pdf', bytes: Buffer.from('%PDF-1.4 invoice') },
    ];
    const attachments = await Promise.all(files.map(async ({ bytes, ...file }, index) => {
      const id = channelMediaId(channelId, `${externalMessageId}#${index}`);
      await mediaStore.put(stack.orm, demoTenantId, id, { mimeType: file.mimeType, fileName: file.fileName, bytes });
      return { ...file, url: mediaRef(id), sizeBytes: bytes.byteLength };
    }));
    await publishInbound(stack.bus, demoTenantId, {
      channelId, channelType: 'whatsapp', externalMessageId, externalChatId: '212600000777@c.us',
      contact: { externalId: '212600000777@c.us', name: 'Samir', phone: '212600000777' },
      text: 'it arrived broken', attachments, isGroup: false, sentAt: new Date().toISOString(),
    });

    const { page, errors } = await signInAgent();
    await page.getByTestId('conversation-row').filter({ hasText: 'Samir' }).click(wait);
    const message = page.locator('[data-testid=timeline-message][data-author-kind=customer]').filter({ hasText: 'it arrived broken' });
    await message.waitFor(wait);
    // The photo was fetched with the agent's session and decoded by the browser.
    const image = message.locator('[data-testid=attachment][data-display=image] img');
    await expect.poll(() => image.evaluate((element) => {
      const decoded = element as unknown as { complete: boolean; naturalWidth: number };
      return decoded.complete ? decoded.naturalWidth : 0;
    }), wait).toBe(1);
    const audio = message.locator('[data-testid=attachment][data-display=audio] audio');
    expect(await audio.getAttribute('src')).toMatch(/\/attachments\/1$/);
    const document = message.locator('[data-testid=attachment][data-display=file] a[download]');
    expect(await document.textContent()).toBe('invoice.pdf');
    const download = await page.request.get(`${stack.url}${await document.getAttribute('href')}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toBe("attachment; filename*=UTF-8''invoice.pdf");
    expect((await download.body()).toString()).toBe('%PDF-1.4 invoice');

    // The agent takes the chat and answers with a file of their own, picked in the composer.
    await page.getByTestId('claim-button').click(wait);
    await page.getByTestId('release-button').waitFor(wait);
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'replacement-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 label') });
    await page.getByTestId('composer-file').filter({ hasText: 'replacement-label.pdf' }).waitFor(wait);
    await page.getByTestId('composer-input').fill('Print this label, we will pick it up.');
    await page.getByTestId('composer-send').click();
    const reply = page.locator('[data-testid=timeline-message][data-author-kind=agent]').filter({ hasText: 'Print this label' });
    const sentFile = reply.locator('[data-testid=attachment] a[download]');
    await sentFile.waitFor(wait);
    expect(await sentFile.textContent()).toBe('replacement-label.pdf');
    expect((await (await page.request.get(`${stack.url}${await sentFile.getAttribute('href')}`)).body()).toString()).toBe('%PDF-1.4 label');
    await expectCount(page.getByTestId('composer-file'), 0, 'the composer emptied after sending');
    expect(errors).toEqual([]);
  });

  it("carries files both ways in the web chat: the shopper's photo reaches the console, and the agent's photo and document show in the widget", async () => {
    // ── the shopper opens the chat and picks files: what the widget refuses never leaves the page ──
    const shopPage = await (await browser.newContext()).newPage();
    const shopErrors = watchErrors(shopPage);
    await shopPage.goto(`${stack.url}/demo/store`);
    await shopPage.getByTestId('sb-launcher').click(wait);
    await shopPage.getByTestId('sb-panel').waitFor(wait);
    const pick = (name: string, mimeType: string, buffer: Buffer) => shopPage.getByTestId('sb-file-input').setInputFiles({ name, mimeType, buffer });
    const fileError = shopPage.getByTestId('sb-file-error');
    await pick('huge.png', 'image/png', Buffer.alloc(10 * 1024 * 1024 + 1));
    await expect.poll(() => fileError.textContent(), wait).toBe('“huge.png” is larger than 10 MB, the most you can send.');
    await pick('page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    await expect.poll(() => fileError.textContent(), wait).toContain('“page.html” can\'t be sent here');
    const chips = shopPage.getByTestId('sb-file');
    await expectCount(chips, 0, 'no chip for a refused file');

    // ── a photo and a file picked by mistake (large enough to go in two pieces): both upload at once; the mistake is removed ──
    await pick('parcel.png', 'image/png', Buffer.from(onePixelPng, 'base64'));
    await pick('old-receipt.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-1.4 wrong one'), Buffer.alloc(700 * 1024, 32)]));
    await shopPage.locator('[data-testid=sb-file][data-state=ready]').filter({ hasText: 'old-receipt.pdf' }).waitFor(wait);
    await chips.filter({ hasText: 'old-receipt.pdf' }).getByTestId('sb-file-remove').click();
    await expectCount(chips, 1, 'one chip left after removing the mistake');
    await shopPage.locator('[data-testid=sb-file][data-state=ready]').filter({ hasText: 'parcel.png' }).waitFor(wait);
    await shopPage.getByTestId('sb-input').fill('It arrived like this');
    await shopPage.getByTestId('sb-send').click();
    await expectCount(chips, 0, 'the composer emptied after sending');
    const decodedWidth = (image: Locator) => image.evaluate((element) => {
      const decoded = element as unknown as { complete: boolean; naturalWidth: number };
      return decoded.complete ? decoded.naturalWidth : 0;
    });
    const sentByShopper = shopPage.locator('[data-testid=sb-message][data-author-kind=customer]').filter({ hasText: 'It arrived like this' });
    await expect.poll(() => decodedWidth(sentByShopper.locator('[data-testid=sb-attachment][data-display=image] img')), wait).toBe(1);
    expect(await sentByShopper.getByTestId('sb-attachment').count()).toBe(1);

    // ── the agent finds it in the console, sees the photo, claims the chat and answers with files ──
    const [stored] = await stack.sql<{ conversation_id: string }>(`select conversation_id from messages where text = 'It arrived like this'`);
    const conversationId = stored?.conversation_id ?? '';
    const { page: agentPage, errors: agentErrors } = await signInAgent();
    await agentPage.locator(`[data-testid=conversation-row][data-conversation-id="${conversationId}"]`).click(wait);
    const fromShopper = agentPage.locator('[data-testid=timeline-message][data-author-kind=customer]').filter({ hasText: 'It arrived like this' });
    await expect.poll(() => decodedWidth(fromShopper.locator('[data-testid=attachment][data-display=image] img')), wait).toBe(1);
    await agentPage.getByTestId('claim-button').click(wait);
    await agentPage.getByTestId('release-button').waitFor(wait);
    await agentPage.getByTestId('composer-file-input').setInputFiles([
      { name: 'how-to-pack.png', mimeType: 'image/png', buffer: Buffer.from(onePixelPng, 'base64') },
      { name: 'return-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 return label') },
    ]);
    await expectCount(agentPage.getByTestId('composer-file'), 2, 'both files uploaded in the composer');
    await agentPage.getByTestId('composer-input').fill('Sorry! Print this label and pack it like this.');
    await agentPage.getByTestId('composer-send').click();
    await agentPage.locator('[data-testid=timeline-message][data-author-kind=agent]').filter({ hasText: 'Print this label' }).waitFor(wait);

    // ── the shopper sees the agent's photo in the chat and can download the label, with no session ──
    const fromAgent = shopPage.locator('[data-testid=sb-message][data-author-kind=agent]').filter({ hasText: 'Print this label' });
    await fromAgent.waitFor(wait);
    await expect.poll(() => decodedWidth(fromAgent.locator('[data-testid=sb-attachment][data-display=image] img')), wait).toBe(1);
    const label = fromAgent.locator('[data-testid=sb-attachment][data-display=file] a');
    expect(await label.textContent()).toBe('📄 return-label.pdf (21 bytes)');
    const href = (await label.getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^${stack.url}/api/v1/widget/files/[A-Za-z0-9_-]{72}$`));
    const download = await shopPage.request.get(href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toBe("attachment; filename*=UTF-8''return-label.pdf");
    expect((await download.body()).toString()).toBe('%PDF-1.4 return label');

    expect(shopErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
  });
});

/** A valid 1×1 PNG, so the browser has something real to decode. */
const onePixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
