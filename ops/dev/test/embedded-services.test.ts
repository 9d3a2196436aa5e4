import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedServices, type EmbeddedServices } from '../src/embedded-services.ts';
import { withPgClient } from '../src/pg-client.ts';
import { isProcessAlive, stopPid } from '../src/process-stop.ts';
import setup from '../src/testing/global-setup.ts';
import { startTestServices } from '../src/testing/test-services.ts';
import { isGone, tempDirs } from './temp-dir.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const killedParentScript = fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url));
const dirs = tempDirs('embedded-services-test');
const running: EmbeddedServices[] = [];
const strayPids: number[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((services) => services.stop()));
  await Promise.all(strayPids.splice(0).map((pid) => stopPid(pid, { signal: 'SIGINT' })));
});
afterAll(() => dirs.removeAll());

async function recordedPids(dataDir: string): Promise<Array<{ name: string; pid: number }>> {
  return JSON.parse(await readFile(join(dataDir, 'pids.json'), 'utf8')) as Array<{ name: string; pid: number }>;
}

describe('startEmbeddedServices', () => {
  it('starts only the services whose URL is not given', async () => {
    const dataDir = await dirs.make();
    const services = await startEmbeddedServices({
      dataDir,
      databaseUrl: 'postgres://elsewhere:5432/db',
      chromaUrl: 'http://elsewhere:8000',
      ports: { nats: 0 },
    });
    running.push(services);

    expect(services.started).toEqual(['nats']);
    expect(services.databaseUrl).toBe('postgres://elsewhere:5432/db');
    expect(services.chromaUrl).toBe('http://elsewhere:8000');
    expect((await recordedPids(dataDir)).map(({ name }) => name)).toEqual(['nats']);
    const nc = await connect({ servers: services.natsUrl });
    await nc.close();
  });

  it('stops the services a killed earlier run left behind before starting its own', async () => {
    const dataDir = await dirs.make();
    const parent = spawn(process.execPath, ['--import', 'tsx', killedParentScript, dataDir], {
      cwd: repoRoot, // where `--import tsx` is resolved
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [firstLine] = (await once(parent.stdout, 'data')) as [Buffer];
    expect(JSON.parse(firstLine.toString())).toEqual({ started: ['nats', 'postgres'] });
    const orphans = await recordedPids(dataDir);
    strayPids.push(...orphans.map(({ pid }) => pid));
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    expect(orphans.every(({ pid }) => isProcessAlive(pid))).toBe(true);

    const services = await startEmbeddedServices({ dataDir, chromaUrl: 'http://127.0.0.1:9', ports: { nats: 0, postgres: 0 } });
    running.push(services);
    // Orphans belong to PID 1, which may reap them seconds later: a zombie counts as gone.
    expect(orphans.some(({ pid }) => isProcessAlive(pid))).toBe(false);
    expect(services.started).toEqual(['nats', 'postgres']);
    expect(await withPgClient(services.databaseUrl, async (client) => (await client.query('select 1 as one')).rows)).toEqual([
      { one: 1 },
    ]);
  });

  it('stop() stops what it started and forgets the recorded pids', async () => {
    const dataDir = await dirs.make();
    const services = await startEmbeddedServices({ dataDir, databaseUrl: 'postgres://x/y', chromaUrl: 'http://x', ports: { nats: 0 } });
    const [nats] = await recordedPids(dataDir);
    await services.stop();
    expect(nats && isGone(nats.pid)).toBe(true);
    await expect(stat(join(dataDir, 'pids.json'))).rejects.toThrow();
  });
});

describe('the test services', () => {
  it('are provided to Vitest by the global setup and removed with their directory on teardown', async () => {
    const provided = new Map<string, string>();
    const teardown = await setup({ provide: (key, value) => void provided.set(key, value) });
    const dataDir = provided.get('dataDir') ?? '';
    const pids = await recordedPids(dataDir);
    try {
      expect([...provided.keys()].sort()).toEqual(['chromaUrl', 'dataDir', 'databaseUrl', 'natsUrl']);
      const nc = await connect({ servers: provided.get('natsUrl') });
      await nc.close();
      expect(await withPgClient(provided.get('databaseUrl') ?? '', async (c) => (await c.query('select 1 as one')).rows)).toEqual([
        { one: 1 },
      ]);
      expect((await fetch(`${provided.get('chromaUrl')}/api/v2/heartbeat`)).status).toBe(200);
    } finally {
      await teardown();
    }
    expect(pids.map(({ name }) => name).sort()).toEqual(['chroma', 'nats', 'postgres']);
    expect(pids.every(({ pid }) => isGone(pid))).toBe(true);
    await expect(stat(dataDir)).rejects.toThrow();
  });

  it('use the services named in the environment instead of starting them', async () => {
    const services = await startTestServices({
      NATS_URL: 'nats://ci:4222',
      DATABASE_URL: 'postgres://ci/db',
      CHROMA_URL: 'http://ci:8000',
    });
    await services.stop();
    expect(services.started).toEqual([]);
    expect([services.natsUrl, services.databaseUrl, services.chromaUrl]).toEqual([
      'nats://ci:4222',
      'postgres://ci/db',
      'http://ci:8000',
    ]);
    await expect(stat(services.dataDir)).rejects.toThrow();
  });
});
