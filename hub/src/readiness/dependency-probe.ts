import type { Bus } from '@switchboard/bus';
import { isDatabaseHealthy, type Orm } from '@switchboard/db';

export const dependencyNames = ['nats', 'database', 'chroma'] as const;
export type DependencyName = (typeof dependencyNames)[number];

/** Answers whether one dependency is reachable right now; never throws, never hangs past its timeout. */
export interface DependencyProbe {
  name: DependencyName;
  check(): Promise<boolean>;
}

const probeTimeoutMs = 1_500;

export function natsProbe(bus: Bus): DependencyProbe {
  return { name: 'nats', check: () => bus.isHealthy(probeTimeoutMs) };
}

export function databaseProbe(orm: Orm): DependencyProbe {
  return { name: 'database', check: () => isDatabaseHealthy(orm, probeTimeoutMs) };
}

/** Chroma's heartbeat endpoint answers 200 while the server is up. */
export function chromaProbe(chromaUrl: string): DependencyProbe {
  const heartbeat = new URL('/api/v2/heartbeat', chromaUrl);
  return {
    name: 'chroma',
    check: async () => {
      try {
        const response = await fetch(heartbeat, { signal: AbortSignal.timeout(probeTimeoutMs) });
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    },
  };
}
