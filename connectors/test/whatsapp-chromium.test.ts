import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '@switchboard/testing';
import { webJsClientFactory } from '../src/whatsapp/webjs-client-factory.ts';
import type { WhatsAppClient } from '../src/whatsapp/whatsapp-client.ts';
import { WhatsAppConnector, type SessionStatus } from '../src/whatsapp/whatsapp.connector.ts';

// The real whatsapp-web.js with Debian's Chromium. WhatsApp is out of reach here (and, so the
// test means the same everywhere, every host name resolves to nothing): not reaching it must
// become a channel status with a reason, never a crash, and leave no Chromium behind.
const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromium);

let authDataPath: string;

beforeAll(async () => {
  authDataPath = await mkdtemp(join(tmpdir(), 'sb-wa-chromium-'));
});

afterAll(async () => {
  await rm(authDataPath, { recursive: true, force: true });
});

/** Pids of processes whose command line mentions `text` (our session folder). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

// Skipped, and named so in the report, only where Chromium is not installed (CI installs it).
const title = haveChromium ? 'WhatsApp with the real whatsapp-web.js and Chromium' : `WhatsApp with the real whatsapp-web.js and Chromium — SKIPPED: ${chromium} is absent (apt-get install chromium)`;
describe.skipIf(!haveChromium)(title, () => {
  it('reports an unreachable WhatsApp as a failed session with the reason, and closes Chromium', { timeout: 90_000 }, async () => {
    const statuses: SessionStatus[] = [];
    const clients: WhatsAppClient[] = [];
    const realFactory = webJsClientFactory({ executablePath: chromium, launchTimeoutMs: 30_000, extraArgs: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
    let settle: (status: SessionStatus) => void = () => undefined;
    const failed = new Promise<SessionStatus>((resolve) => {
      settle = resolve;
    });
    const connector = new WhatsAppConnector({
      tenantId: randomUUID(),
      channelId: randomUUID(),
      authDataPath,
      logger: testLogger(),
      maxAttempts: 0,
      clientFactory: (options) => {
        const client = realFactory(options);
        clients.push(client);
        return client;
      },
      onStatus: (status) => {
        statuses.push(status);
        if (status.state === 'failed') settle(status);
      },
    });
    await connector.start(async () => undefined);
    const status = await failed;
    expect(status.reason).toMatch(/could not open WhatsApp Web: .*net::ERR_NAME_NOT_RESOLVED/);
    expect(statuses.map((entry) => entry.state)).toEqual(['starting', 'disconnected', 'failed']);
    const pid = clients[0]?.browserPid();
    expect(pid).toBeGreaterThan(0);
    await connector.stop();
    expect(await processesMentioning(authDataPath)).toEqual([]);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
