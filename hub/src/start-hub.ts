import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { build } from './app.ts';

export interface RunningHub extends RunningRole {
  app: FastifyInstance;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  address: string;
  stop(): Promise<void>;
}

/** Builds the hub on the given connections and listens on `config.host:config.port`. */
export async function startHub(config: AppConfig, logger: Logger, infrastructure: Infrastructure): Promise<RunningHub> {
  const app = await build({
    logger: logger.child({ component: 'hub' }),
    infrastructure,
    dashboardDir: config.dashboardDir,
    publicUrl: config.publicUrl,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  return { role: 'hub', app, address, stop: () => app.close() };
}
