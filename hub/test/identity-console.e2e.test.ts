import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { createMailer, linksIn, type Mailer } from '@switchboard/mail';
import { deriveKeys } from '@switchboard/security';
import { startSmtpCapture, testLogger, testSecretKey, type CapturedMail, type SmtpCapture } from '@switchboard/testing';
import { build } from '../src/index.ts';

// The identity console as people use it: the built console served by a hub with identity on,
// a real PostgreSQL, mail over real SMTP, and Debian's Chromium. `npm test` builds the console.
const dashboardDir = resolve(import.meta.dirname, '../../dist/dashboard/browser');
const adminUrl = inject('databaseUrl');
const databaseName = `sb_console_${randomUUID().replaceAll('-', '')}`;

let smtp: SmtpCapture;
let outboxDir: string;
let mailer: Mailer;
let bus: Bus;
let orm: Orm;
let app: FastifyInstance;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!existsSync(resolve(dashboardDir, 'index.html'))) {
    throw new Error(`no console build in ${dashboardDir}: run \`npm run build:dashboard\` (npm test does it)`);
  }
  smtp = await startSmtpCapture();
  outboxDir = await mkdtemp(join(tmpdir(), 'sb-console-mail-'));
  mailer = createMailer({ smtpUrl: smtp.url, from: 'Switchboard <no-reply@switchboard.test>', outboxDir, logger: testLogger() });
  ({ orm } = await openDatabase({
    databaseUrl: await createDatabase(adminUrl, databaseName),
    appRolePassword: deriveKeys(testSecretKey).databaseAppPassword,
    logger: testLogger(),
  }));
  bus = await connectBus({ servers: inject('natsUrl'), name: 'identity-console-test', logger: testLogger() });
  app = await build({
    logger: testLogger(),
    infrastructure: { bus, orm, chromaUrl: inject('chromaUrl') },
    secretKey: testSecretKey,
    mailer,
    dashboardDir,
    // Plain http on loopback: cookies without `Secure`, as on a developer's machine.
    cookieSecure: false,
  });
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await bus?.close();
  await orm?.close();
  await mailer?.close();
  await smtp?.stop();
  await dropDatabase(adminUrl, databaseName);
  if (outboxDir !== undefined) await rm(outboxDir, { recursive: true, force: true });
});

/**
 * The console address of the link in a mail. Mails link to the hub's `publicUrl`; the hub here
 * listens on a port chosen at start, so the test keeps the path and uses the real origin.
 */
function consoleLinkIn(mail: CapturedMail, prefix: string): string {
  const link = linksIn(mail.text).map((text) => new URL(text)).find((url) => url.pathname.startsWith(prefix));
  if (link === undefined) throw new Error(`no ${prefix} link in "${mail.subject}": ${mail.text}`);
  return `${origin}${link.pathname}${link.search}`;
}

function mailTo(address: string, prefix: string): Promise<CapturedMail> {
  return smtp.waitForMail((mail) => mail.to.includes(address) && linksIn(mail.text).some((link) => new URL(link).pathname.startsWith(prefix)));
}

/** Collects uncaught page errors, so a broken page fails the test even when it looks right. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe('identity in the console', () => {
  it('signs up, verifies the email, signs in again, invites an agent who joins in another browser, and shows both in the audit log', async () => {
    const workspace = `Acme ${randomUUID().slice(0, 8)}`;
    const owner = { name: 'Olivia Owner', email: `olivia.${randomUUID().slice(0, 8)}@example.com`, password: 'correct horse battery staple' };
    const agent = { name: 'Adam Agent', email: `adam.${randomUUID().slice(0, 8)}@example.com`, password: 'a long and private passphrase' };

    // ── the owner signs up ──
    const ownerContext = await browser.newContext();
    const page = await ownerContext.newPage();
    const ownerErrors = watchErrors(page);
    await page.goto(`${origin}/signup`);
    const signup = page.getByTestId('signup-form');
    await signup.getByLabel('Workspace name').fill(workspace);
    await signup.getByLabel('Your name').fill(owner.name);
    await signup.getByLabel('Work email').fill(owner.email);
    await signup.getByLabel('Password').fill(owner.password);
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('shell').waitFor();
    expect(await page.getByTestId('tenant-name').textContent()).toContain(workspace);
    await page.getByTestId('email-reminder').waitFor();

    // ── … opens the verification link from the mail ──
    await page.goto(consoleLinkIn(await mailTo(owner.email, '/verify-email/'), '/verify-email/'));
    const verification = page.getByTestId('verify-email-result');
    await page.locator('[data-testid="verify-email-result"][data-state="resolved"]').waitFor();
    expect(await verification.textContent()).toContain('verified');

    // ── … signs out and in again ──
    await page.getByTestId('verify-email-continue').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('shell').waitFor();
    expect(await page.getByTestId('email-reminder').count()).toBe(0);

    // ── … invites an agent ──
    await page.getByTestId('nav-team').click();
    const invite = page.getByTestId('invite-form');
    await invite.getByLabel('Email').fill(agent.email);
    await invite.getByLabel('Role').selectOption('agent');
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-sent').waitFor();
    await page.getByTestId('invitations-table').getByTestId(`invitation-${agent.email}`).waitFor();

    // ── the agent accepts in a second browser context and sets a password ──
    const agentContext = await browser.newContext();
    const agentPage = await agentContext.newPage();
    const agentErrors = watchErrors(agentPage);
    await agentPage.goto(consoleLinkIn(await mailTo(agent.email, '/invite/'), '/invite/'));
    expect(await agentPage.getByTestId('invite-preview').textContent()).toContain(workspace);
    const accept = agentPage.getByTestId('accept-invite-form');
    await accept.getByLabel('Your name').fill(agent.name);
    await accept.getByLabel('Password').fill(agent.password);
    await agentPage.getByTestId('invite-accept').click();
    await agentPage.getByTestId('shell').waitFor();
    expect(await agentPage.getByTestId('tenant-name').textContent()).toContain(workspace);
    // An agent's console has no audit log and no invitations.
    expect(await agentPage.getByTestId('nav-audit').count()).toBe(0);
    await agentPage.getByTestId('nav-team').click();
    await agentPage.getByTestId('team-table').getByTestId(`member-${owner.email}`).waitFor();
    expect(await agentPage.getByTestId('invite-form').count()).toBe(0);

    // ── the owner sees the new member and both actions in the audit log ──
    await page.reload();
    await page.getByTestId('team-table').getByTestId(`member-${agent.email}`).waitFor();
    await page.getByTestId('nav-audit').click();
    const audit = page.getByTestId('audit-table');
    await audit.locator('[data-action="team.invited"]').first().waitFor();
    await audit.locator('[data-action="team.invitation_accepted"]').first().waitFor();
    expect(await audit.locator('[data-action="team.invited"]').first().textContent()).toContain(owner.email);
    expect(await audit.locator('[data-action="team.invitation_accepted"]').first().textContent()).toContain(agent.email);

    expect(ownerErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
    await agentContext.close();
    await ownerContext.close();
  });

  it('keeps a signed-in person working when the access token expires, by refreshing the session and retrying', async () => {
    // A second hub on the same database whose access tokens (and their cookies) last one second.
    const shortLived = await build({
      logger: testLogger(),
      infrastructure: { bus, orm, chromaUrl: inject('chromaUrl') },
      secretKey: testSecretKey,
      mailer,
      dashboardDir,
      cookieSecure: false,
      accessTokenTtlSeconds: 1,
    });
    try {
      const shortOrigin = await shortLived.listen({ port: 0, host: '127.0.0.1' });
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = watchErrors(page);
      const refreshes: number[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/api/v1/auth/refresh') refreshes.push(response.status());
      });

      await page.goto(`${shortOrigin}/signup`);
      const signup = page.getByTestId('signup-form');
      await signup.getByLabel('Workspace name').fill(`Brief ${randomUUID().slice(0, 8)}`);
      await signup.getByLabel('Your name').fill('Bea Brief');
      const email = `bea.${randomUUID().slice(0, 8)}@example.com`;
      await signup.getByLabel('Work email').fill(email);
      await signup.getByLabel('Password').fill('correct horse battery staple');
      await page.getByTestId('signup-submit').click();
      await page.getByTestId('shell').waitFor();

      // Past the access token's lifetime the browser has dropped its cookie: the next API call
      // is refused, refreshed and retried without the person seeing the login page.
      await page.waitForTimeout(2_500);
      await page.getByTestId('nav-team').click();
      await page.getByTestId('team-table').getByTestId(`member-${email}`).waitFor();
      expect(new URL(page.url()).pathname).toBe('/team');
      // At least one refresh, every one of them accepted. The new token lives 1 s too, so on a
      // loaded machine the page's next calls may need another refresh: that is the same behaviour.
      expect(refreshes.length).toBeGreaterThan(0);
      expect(refreshes.every((status) => status === 200)).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await shortLived.close();
    }
  });
});
