import { createServer, type Server } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../src/free-port.ts';
import { resolveNatsServer } from '../src/nats-binary.ts';
import { startNatsServer } from '../src/nats.service.ts';
import type { RunningService } from '../src/running-service.ts';
import { isGone, tempDirs } from './temp-dir.ts';

const dirs = tempDirs('nats-service-test');
const running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});
afterAll(() => dirs.removeAll());

async function started(options: Parameters<typeof startNatsServer>[0]): Promise<Awaited<ReturnType<typeof startNatsServer>>> {
  const server = await startNatsServer(options);
  running.push(server);
  return server;
}

describe('startNatsServer', () => {
  it('starts a nats-server that answers a request over a real NATS connection', async () => {
    const server = await started({ dataDir: await dirs.make() });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);

    const nc = await connect({ servers: server.url });
    try {
      nc.subscribe('ping', {
        callback: (_error, msg) => {
          msg.respond('pong');
        },
      });
      const reply = await nc.request('ping', '', { timeout: 5_000 });
      expect(reply.string()).toBe('pong');
    } finally {
      await nc.close();
    }
  });

  it('leaves no process behind once stopped', async () => {
    const server = await started({ dataDir: await dirs.make() });
    await server.stop();
    expect(isGone(server.pid)).toBe(true);
    await server.stop(); // a second stop is harmless
  });

  it('starts again on the same port and data directory after a stop, keeping JetStream data', async () => {
    const dataDir = await dirs.make();
    const first = await started({ dataDir });
    const nc = await connect({ servers: first.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'events', subjects: ['events.>'] });
    await jetstream(nc).publish('events.created', 'kept');
    await nc.close();
    await first.stop();

    const second = await started({ dataDir, port: first.port });
    expect(second.url).toBe(first.url);
    const nc2 = await connect({ servers: second.url });
    try {
      const info = await (await jetstreamManager(nc2)).streams.info('events');
      expect(info.state.messages).toBe(1);
    } finally {
      await nc2.close();
    }
  });

  it('restart() replaces the server with a new process on the same URL', async () => {
    const first = await started({ dataDir: await dirs.make() });
    const second = await first.restart();
    running.push(second);
    expect(second.url).toBe(first.url);
    expect(second.pid).not.toBe(first.pid);
    expect(isGone(first.pid)).toBe(true);
    const nc = await connect({ servers: second.url });
    await nc.close();
  });

  it('reports the server output when the port is already taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startNatsServer({ dataDir: await dirs.make(), port })).rejects.toThrow(
        /nats-server did not start[\s\S]*address already in use/,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('resolveNatsServer', () => {
  it('tells a user without root rights how to install nats-server', async () => {
    const emptyDir = await dirs.make();
    const attempt = resolveNatsServer({ searchDirs: [emptyDir], mayInstall: false, logger: console });
    await expect(attempt).rejects.toThrow('run `sudo apt-get install -y nats-server` or set NATS_URL');
  });

  it('finds the installed nats-server', async () => {
    await expect(resolveNatsServer({ logger: console })).resolves.toMatch(/\/nats-server$/);
  });
});
