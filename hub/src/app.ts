import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Bus } from '@switchboard/bus';
import type { Orm } from '@switchboard/db';
import type { Logger } from 'pino';
import { dashboardPlugin } from './plugins/dashboard.plugin.ts';
import { errorHandlerPlugin } from './plugins/error-handler.plugin.ts';
import { infrastructurePlugin } from './plugins/infrastructure.plugin.ts';
import { openApiPlugin } from './plugins/openapi.plugin.ts';
import { schemaValidator } from './plugins/schema-validator.ts';
import { traceIdOf } from './plugins/trace-id.ts';
import { chromaProbe, databaseProbe, natsProbe, type DependencyProbe } from './readiness/dependency-probe.ts';
import { healthRoutes } from './routes/health.routes.ts';

export interface HubOptions {
  logger: Logger;
  /** The connections the hub serves from; without them only health and docs routes work. */
  infrastructure?: { bus: Bus; orm: Orm; chromaUrl: string };
  /** Overrides the readiness probes derived from `infrastructure` (tests use this). */
  probes?: DependencyProbe[];
  /** Folder with the built console; omitted means no console is served. */
  dashboardDir?: string;
  publicUrl?: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

/** Builds the hub's Fastify app without listening; tests call this and use `app.inject()`. */
export async function build(options: HubOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: traceIdOf,
    logController: new LogController({
      requestIdLogLabel: 'traceId',
      // Load balancers poll these every few seconds; their lines would drown the useful ones.
      disableRequestLogging: (request) => request.url === '/health' || request.url === '/ready',
    }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(schemaValidator);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-trace-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  await app.register(openApiPlugin, { publicUrl: options.publicUrl });
  if (options.infrastructure) await app.register(infrastructurePlugin, options.infrastructure);

  const infrastructure = options.infrastructure;
  const probes = options.probes ?? (infrastructure
    ? [natsProbe(infrastructure.bus), databaseProbe(infrastructure.orm), chromaProbe(infrastructure.chromaUrl)]
    : []);
  await app.register(healthRoutes, { probes });
  if (options.dashboardDir !== undefined) await app.register(dashboardPlugin, { root: options.dashboardDir });

  return app as unknown as FastifyInstance;
}
