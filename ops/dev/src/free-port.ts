import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

/**
 * Asks the OS for a port that is free right now on `host` (binds port 0, reads the port,
 * releases it). Another process could take it before the caller binds it; callers that
 * spawn a server detect that as a failed start.
 */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  return listenOnce(0, host);
}

/** Whether `port` can be bound on `host` right now. */
export async function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  try {
    await listenOnce(port, host);
    return true;
  } catch {
    return false;
  }
}

/** `preferred` when it is free on `host`, otherwise a free port chosen by the OS. */
export async function preferredOrFreePort(preferred: number, host: string = LOOPBACK): Promise<number> {
  return (await isPortFree(preferred, host)) ? preferred : freePort(host);
}

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => {
        if (bound === undefined) reject(new Error(`could not read the port bound on ${host}`));
        else resolve(bound);
      });
    });
  });
}
