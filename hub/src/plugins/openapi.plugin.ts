import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { declareContextAccess } from './access.plugin.ts';

/** The OpenAPI document at `/api/docs/json`, built from the routes' own schemas, and its UI at `/api/docs`. */
export const openApiPlugin = fp(async (app: FastifyInstance, options: { publicUrl?: string }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '1',
        description: 'Multi-tenant messaging hub. Errors are `{ error: { code, message, issues?, traceId } }` with a stable `SB_ERR_*` code.',
      },
      servers: options.publicUrl ? [{ url: options.publicUrl }] : [],
    },
  });
  // The UI's own routes (page, assets, the JSON document) are public, like the API's reference.
  await app.register(async (docs) => {
    declareContextAccess(docs, 'public');
    await docs.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  });
}, { name: 'openapi' });
