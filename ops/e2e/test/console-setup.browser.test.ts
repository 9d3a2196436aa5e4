import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelView } from '@switchboard/contracts';
import { startFakeTelegramServer, type FakeTelegramServer } from '@switchboard/testing';
import { LiveStack, password, type Workspace } from './support/live-stack.ts';

// An owner setting the workspace up in the console, in Debian's Chromium, on the real hub, runner,
// nats-server and PostgreSQL: the bot page's form and preview, and the channels page's live status.
// `npm test` builds the console first.
const root = resolve(import.meta.dirname, '../../..');
const dashboardDir = resolve(root, 'dist/dashboard/browser');
/** Every wait is bounded: a broken step fails in this long, not at the test's timeout. */
const wait = { timeout: 15_000 };

let stack: LiveStack;
let telegram: FakeTelegramServer;
let browser: Browser;
let workspace: Workspace;
let ownerEmail: string;

beforeAll(async () => {
  if (!existsSync(resolve(dashboardDir, 'index.html'))) {
    throw new Error(`no console build in ${dashboardDir}: run \`npm run build:dashboard\` (npm test does it)`);
  }
  // Telegram's side of a bot, for the channels page's Telegram card.
  telegram = await startFakeTelegramServer();
  stack = await LiveStack.start({ dashboardDir, telegramApiRoot: telegram.apiRoot, webhookBaseUrl: 'https://chat.example.test' });
  workspace = await stack.signUp();
  const [owner] = await stack.sql<{ email: string }>('update users set email_verified_at = now() where id = $1 returning email', [workspace.ownerId]);
  ownerEmail = owner?.email ?? '';
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await telegram?.close();
});

/** Signs the owner in and waits for the console's live link (the presence toggle is enabled only then). */
async function signIn(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${stack.url}/inbox`);
  await page.getByTestId('login-form').waitFor(wait);
  await page.getByLabel('Email').fill(ownerEmail);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid=presence-toggle]:enabled').waitFor(wait);
  return { page, errors };
}

describe('the console set-up pages', () => {
  it('saves an FAQ answer on the bot page, and the preview chat answers with it and names its source', async () => {
    const { page, errors } = await signIn();
    await page.getByTestId('nav-bot').click();
    await page.getByTestId('bot-settings-form').waitFor(wait);
    await expect.poll(() => page.getByTestId('bot-active-provider').textContent(), wait).toContain('offline');

    // A half-filled FAQ entry is refused in the form, with focus on the field to fix.
    await page.getByTestId('bot-faq-add').click();
    await page.getByTestId('bot-faq-question').fill('Do you ship to Spain?');
    await page.getByTestId('bot-save').click();
    await page.locator('[data-testid=bot-faq-answer]:focus').waitFor(wait);
    await page.getByTestId('bot-faq-answer').fill('Yes: Spain is 3 days by courier.');
    await page.getByTestId('bot-save').click();
    await page.getByTestId('bot-saved').waitFor(wait);
    const [stored] = await stack.sql<{ faq: unknown }>(`select conversation_settings -> 'faq' as faq from tenants where id = $1`, [workspace.tenantId]);
    expect(stored?.faq).toEqual([{ question: 'Do you ship to Spain?', answer: 'Yes: Spain is 3 days by courier.' }]);

    await page.getByTestId('bot-preview-input').fill('do you ship to spain?');
    await page.getByTestId('bot-preview-send').click();
    const answer = page.getByTestId('bot-preview-answer');
    await answer.first().waitFor(wait);
    expect(await answer.first().textContent()).toContain('3 days by courier');
    expect(await answer.first().getByTestId('bot-preview-source').textContent()).toContain('offline');
    expect(errors).toEqual([]);
  });

  it("shows a channel's session state, account and memory as the connector reports them, without a reload", async () => {
    const [channel] = await stack.sql<{ id: string }>(
      `insert into channels (tenant_id, type, name, status) values ($1, 'whatsapp', 'Sales line', 'stopped') returning id`,
      [workspace.tenantId],
    );
    const channelId = channel?.id ?? '';
    const { page, errors } = await signIn();
    await page.getByTestId('nav-channels').click();
    const card = page.locator(`[data-testid=channel-card][data-channel-id="${channelId}"]`);
    await card.locator('[data-testid=channel-state][data-state=stopped]').waitFor(wait);
    await page.getByTestId('webchat-snippet').filter({ hasText: `data-key="${workspace.widgetKey}"` }).waitFor(wait);

    const at = new Date().toISOString();
    await stack.bus.publish({
      id: randomUUID(),
      type: 'channel.status',
      tenantId: workspace.tenantId,
      occurredAt: at,
      traceId: randomUUID().replaceAll('-', ''),
      data: { channelId, channelType: 'whatsapp', state: 'ready', account: '+49 151 23456789', rssBytes: 231_000_000, at },
    });
    await card.locator('[data-testid=channel-state][data-state=ready]').waitFor(wait);
    expect(await card.getByTestId('channel-account').textContent()).toBe('+49 151 23456789');
    expect(await card.getByTestId('channel-memory').textContent()).toBe('220 MB');
    expect(errors).toEqual([]);
  });

  it("edits the web chat's allowed sites (a pasted page address becomes its origin) and its identity enforcement", async () => {
    const { page, errors } = await signIn();
    await page.getByTestId('nav-channels').click();
    const stored = async () => (await stack.sql<{ allowed_origins: string[]; enforce: boolean }>(
      `select allowed_origins, coalesce((settings ->> 'enforceIdentity')::boolean, false) as enforce from channels where id = $1`, [workspace.channelId],
    ))[0];

    await page.getByTestId('webchat-origin-input').fill('https://shop.example.com/cart?step=2');
    await page.getByTestId('webchat-origin-add').click();
    await page.getByTestId('webchat-origins').filter({ hasText: 'https://shop.example.com' }).waitFor(wait);
    expect((await stored())?.allowed_origins).toEqual(['https://shop.example.com']);
    await page.getByTestId('webchat-enforce-identity').check();
    await expect.poll(async () => (await stored())?.enforce, wait).toBe(true);

    await page.getByRole('button', { name: 'Remove https://shop.example.com' }).click();
    await page.getByTestId('webchat-origins').filter({ hasText: 'Any site' }).waitFor(wait);
    expect(await stored()).toEqual({ allowed_origins: [], enforce: true });
    expect(errors).toEqual([]);
  });

  it("saves who a WhatsApp channel's bot answers, says kindly that a stopped session cannot list its groups, and removes the channel after asking", async () => {
    const channel = await stack.api<{ id: string }>(workspace.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Support line' });
    await stack.api(workspace.token, 'PUT', `/api/v1/channels/${channel.id}/whatsapp-settings`, { whitelist: [], enabledGroups: ['120363-1@g.us'] });
    const { page, errors } = await signIn();
    await page.getByTestId('nav-channels').click();
    const card = page.locator(`[data-testid=channel-card][data-channel-id="${channel.id}"]`);
    await card.getByTestId('whatsapp-audience-toggle').click(wait);
    // No connector node holds the session here, so the hub answers the group list with a 409.
    await card.getByTestId('whatsapp-groups-notice').filter({ hasText: 'start the session and scan the QR code' }).waitFor(wait);
    // The group already enabled stays listed, and can be switched off.
    const group = card.locator('[data-group-id="120363-1@g.us"]');
    expect(await group.isChecked(wait)).toBe(true);
    await group.uncheck(wait);

    // A number with letters is refused on its box, announced, before anything is sent.
    const whitelist = card.getByLabel('Phone numbers, one per line');
    await whitelist.fill('+212 612-345678\n49151x', wait);
    await card.getByTestId('whatsapp-audience-save').click(wait);
    expect(await card.getByTestId('whatsapp-whitelist-error').textContent(wait)).toContain('"49151x"');
    expect(await whitelist.getAttribute('aria-invalid', wait)).toBe('true');

    await whitelist.fill('+212 612-345678\n4915123456789', wait);
    await card.getByTestId('whatsapp-audience-save').click(wait);
    await card.getByTestId('whatsapp-audience-saved').waitFor(wait);
    expect(await whitelist.inputValue()).toBe('212612345678\n4915123456789');
    const stored = await stack.api<{ whitelist: string[]; enabledGroups: string[] }>(workspace.token, 'GET', `/api/v1/channels/${channel.id}/whatsapp-settings`);
    expect(stored).toEqual({ whitelist: ['212612345678', '4915123456789'], enabledGroups: [] });

    // Removing it: no connector node runs the session here, so the phone cannot be unlinked, and
    // the dialog says so (and what to do) before the card goes.
    await card.getByTestId('whatsapp-remove').click(wait);
    await page.getByTestId('channel-remove-confirm').click(wait);
    expect(await page.getByTestId('channel-remove-warning').textContent({ timeout: 20_000 })).toContain('Linked devices');
    expect(await card.count()).toBe(1);
    await page.getByTestId('channel-remove-done').click(wait);
    await card.waitFor({ ...wait, state: 'detached' });
    expect((await stack.sql<{ status: string }>('select status from channels where id = $1', [channel.id]))[0]?.status).toBe('removed');
    expect(errors).toEqual([]);
  });

  it("edits a Telegram bot's name, mode and token from its card, shows a refused token on its box, and removes the bot after asking, without a reload", async () => {
    const bot = telegram.addBot({ username: 'atlas_console_bot' });
    const channel = await stack.api<ChannelView>(workspace.token, 'POST', '/api/v1/channels', { type: 'telegram', name: 'Shop bot', token: bot.token, mode: 'polling' });
    const stored = async () => (await stack.sql<{ name: string; status: string; mode: string }>(`select name, status, settings ->> 'mode' as mode from channels where id = $1`, [channel.id]))[0];
    const { page, errors } = await signIn();
    await page.getByTestId('nav-channels').click();
    const card = page.locator(`[data-testid=channel-card][data-channel-id="${channel.id}"]`);
    await card.waitFor(wait);

    await card.getByTestId('telegram-edit').click(wait);
    const form = page.getByTestId('telegram-edit-form');
    await form.getByLabel('Name').fill('Atlas support', wait);
    await form.getByTestId('telegram-edit-mode-webhook').check(wait);
    await form.getByTestId('telegram-edit-submit').click(wait);
    await form.waitFor({ ...wait, state: 'detached' });
    await card.getByRole('heading', { name: 'Atlas support' }).waitFor(wait);
    expect(await card.textContent()).toContain('Webhook');
    expect(await stored()).toMatchObject({ name: 'Atlas support', mode: 'webhook' });
    expect(telegram.webhookOf(bot.token)?.url).toBe(`https://chat.example.test/api/v1/webhooks/telegram/${channel.id}`);

    // A token Telegram does not know: refused on its box, the dialog stays, nothing changes.
    await card.getByTestId('telegram-edit').click(wait);
    await form.getByTestId('telegram-edit-token').fill('42:AAnotAtokenTelegramKnows', wait);
    await form.getByTestId('telegram-edit-submit').click(wait);
    await page.locator('[data-testid=telegram-edit-token][aria-invalid=true]').waitFor(wait);
    expect(await form.textContent()).toContain('refused by Telegram');
    await form.getByRole('button', { name: 'Cancel' }).click(wait);
    await form.waitFor({ ...wait, state: 'detached' });

    // Removing asks first; keeping it changes nothing.
    await card.getByTestId('telegram-remove').click(wait);
    await page.getByTestId('channel-remove-cancel').click(wait);
    await page.getByTestId('channel-remove-dialog').waitFor({ ...wait, state: 'detached' });
    expect((await stored())?.status).toBe('active');
    await card.getByTestId('telegram-remove').click(wait);
    await page.getByTestId('channel-remove-confirm').click(wait);
    await card.waitFor({ ...wait, state: 'detached' });
    expect((await stored())?.status).toBe('removed');
    expect(telegram.webhookOf(bot.token)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
