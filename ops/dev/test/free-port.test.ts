import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, isPortFree, preferredOrFreePort } from '../src/free-port.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

describe('preferredOrFreePort', () => {
  it('keeps the preferred port while it is free', async () => {
    const port = await freePort();
    expect(await preferredOrFreePort(port)).toBe(port);
  });

  it('falls back to another free port when the preferred one is taken', async () => {
    const port = await freePort();
    await occupy(port);
    expect(await isPortFree(port)).toBe(false);
    const fallback = await preferredOrFreePort(port);
    expect(fallback).not.toBe(port);
    expect(await isPortFree(fallback)).toBe(true);
  });
});
