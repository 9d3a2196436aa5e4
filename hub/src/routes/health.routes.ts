import type { FastifyPluginAsync } from 'fastify';
import Type from 'typebox';
import { dependencyNames, type DependencyName, type DependencyProbe } from '../readiness/dependency-probe.ts';

const DependencyState = Type.Union([Type.Literal('up'), Type.Literal('down')]);
const HealthResponse = Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() });
const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  dependencies: Type.Record(Type.Enum(dependencyNames), DependencyState),
});

export interface HealthRoutesOptions {
  probes: DependencyProbe[];
}

/**
 * `GET /health`: the process is alive (for a liveness probe; never touches dependencies).
 * `GET /ready`: NATS, PostgreSQL and Chroma each reported up or down; 503 while any is down,
 * so a load balancer stops sending traffic to a hub that cannot serve it.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { probes }) => {
  app.get('/health', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Liveness', response: { 200: HealthResponse } },
  }, async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }));

  app.get('/ready', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Readiness of NATS, database and Chroma', response: { 200: ReadyResponse, 503: ReadyResponse } },
  }, async (_request, reply) => {
    const results = await Promise.all(probes.map(async (probe) => [probe.name, await probe.check()] as const));
    const dependencies = Object.fromEntries(results.map(([name, up]) => [name, up ? 'up' : 'down'])) as Record<DependencyName, 'up' | 'down'>;
    const ready = results.length > 0 && results.every(([, up]) => up);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', dependencies });
  });
};
