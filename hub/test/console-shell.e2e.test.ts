import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '@switchboard/testing';
import { build } from '../src/index.ts';

// The console as the hub serves it, in a real Chromium. `npm test` builds it first.
const dashboardDir = resolve(import.meta.dirname, '../../dist/dashboard/browser');
let app: FastifyInstance;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!existsSync(resolve(dashboardDir, 'index.html'))) {
    throw new Error(`no console build in ${dashboardDir}: run \`npm run build:dashboard\` (npm test does it)`);
  }
  app = await build({ logger: testLogger(), dashboardDir });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  origin = address;
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('console shell served by the hub', () => {
  it('sends a signed-out visitor of a console page to the sign-in page, keeping where they were going', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/inbox`);
    await page.getByTestId('login-form').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('returnUrl')).toBe('/inbox');
    await expect.poll(() => page.title()).toMatch(/Switchboard/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a deep link such as /login straight from the server', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${origin}/login`);
    expect(response?.status()).toBe(200);
    await page.getByTestId('login-form').waitFor();
    await page.getByLabel(/email/i).fill('agent@example.com');
    await page.getByLabel(/password/i).fill('correct horse battery staple');
    expect(await page.getByTestId('login-submit').isEnabled()).toBe(true);
    await page.close();
  });

  it('does not answer API paths with the console page', async () => {
    const response = await fetch(`${origin}/api/v1/unknown`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SB_ERR_NOT_FOUND');
  });

  it('serves hashed assets with a cache lifetime and index.html without one', async () => {
    const html = await fetch(`${origin}/inbox`);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(main-[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${origin}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('max-age=3600');
  });
});
