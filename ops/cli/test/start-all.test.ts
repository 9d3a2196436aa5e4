import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@switchboard/testing';
import { isProcessAlive } from '@switchboard/dev';

// `npm start` as a person runs it: the real launcher, embedded services, SIGTERM, a restart on
// the same data, and a restart after the launcher was killed with SIGKILL.
const root = resolve(import.meta.dirname, '../../..');
let dataDir: string;
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  url: string;
  natsUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(): Promise<Started> {
  const child = spawn(process.execPath, ['ops/cli/bin/switchboard.mjs', 'all'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      SKIP_DASHBOARD_BUILD: 'true',
      NATS_URL: '',
      DATABASE_URL: '',
      CHROMA_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => {
    children.delete(child);
    resolveExit(code);
  }));
  const url = await eventually(() => /Switchboard is running at (\S+)/.exec(output)?.[1], `the start banner; output so far:\n${output}`, { timeoutMs: 120_000, intervalMs: 100 });
  const natsUrl = /NATS\s+(nats:\/\/\S+)/.exec(output)?.[1] ?? '';
  return { child, url, natsUrl, output: () => output, exited };
}

function recordedPids(): number[] {
  const pids = JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as Record<string, number> | Array<{ pid: number }>;
  return Array.isArray(pids) ? pids.map((entry) => entry.pid) : Object.values(pids);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-start-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  // Whatever a killed launcher left behind is stopped by the next start; do it here by hand.
  for (const pid of (() => { try { return recordedPids(); } catch { return []; } })()) {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('comes up ready with all three services, serves the console, and stops everything on SIGTERM', async () => {
    const first = await start();
    const ready = await fetch(`${first.url}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', dependencies: { nats: 'up', database: 'up', chroma: 'up' } });
    expect(ready.status).toBe(200);
    expect(await (await fetch(`${first.url}/`)).text()).toContain('<title>Switchboard</title>');
    // The demo workspace starts with its shop's policies in the knowledge base, indexed.
    const login = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.switchboard.local', password: 'demo-console-pass-1' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    await eventually(async () => {
      const list = (await (await fetch(`${first.url}/api/v1/knowledge`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { items: Array<{ source: string; status: string }> };
      return list.items.some((item) => item.source === 'shipping-and-returns.md' && item.status === 'ready');
    }, 'the demo knowledge base indexed', { timeoutMs: 30_000 });

    // Leave a mark in JetStream to find after the restart.
    const nc = await connect({ servers: first.natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'RESTART_MARK', subjects: ['restart.mark'] });
    await nc.close();

    const pids = recordedPids();
    expect(pids.length).toBe(3);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });

  it('comes up again on the same data', async () => {
    const second = await start();
    expect((await fetch(`${second.url}/ready`)).status).toBe(200);
    expect(second.output()).not.toContain('database migrations applied');
    const nc = await connect({ servers: second.natsUrl });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info('RESTART_MARK')).config.subjects).toEqual(['restart.mark']);
    await nc.close();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('recovers from a launcher killed with SIGKILL, stopping the services it orphaned', async () => {
    const third = await start();
    const orphans = recordedPids();
    third.child.kill('SIGKILL');
    await third.exited;
    expect(orphans.filter(isProcessAlive).length).toBe(3);

    const fourth = await start();
    expect(orphans.filter(isProcessAlive)).toEqual([]);
    expect((await fetch(`${fourth.url}/ready`)).status).toBe(200);
    const pids = recordedPids();
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
