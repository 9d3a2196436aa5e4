import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiKeyView, CreateApiKeyRequest, CreateApiKeyResponse, IdParams, Page } from '@switchboard/contracts';
import { auditActorOf } from '../audit/audit-writer.ts';
import type { IdentityRoutesOptions } from './auth.routes.ts';
import { principalOf } from './me.routes.ts';

const ApiKeyPage = Page(ApiKeyView);

/** `/api/v1/api-keys`: the workspace's keys for API clients. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services }) => {
  app.get('/api/v1/api-keys', {
    config: { access: 'apikey.manage' },
    schema: { tags: ['api-keys'], summary: 'Active API keys (never the keys themselves)', response: { 200: ApiKeyPage } },
  }, async (request) => ({ items: await services.apiKeys.list(principalOf(request)) }));

  app.post('/api/v1/api-keys', {
    config: { access: 'apikey.manage' },
    schema: { tags: ['api-keys'], summary: 'Create a key with some of your permissions; the key is shown only in this answer', body: CreateApiKeyRequest, response: { 201: CreateApiKeyResponse } },
  }, async (request, reply) => {
    const created = await services.apiKeys.create(principalOf(request), request.body, auditActorOf(request));
    return reply.status(201).send(created);
  });

  app.delete('/api/v1/api-keys/:id', {
    config: { access: 'apikey.manage' },
    schema: { tags: ['api-keys'], summary: 'Revoke a key; it stops working at once', params: IdParams },
  }, async (request, reply) => {
    await services.apiKeys.revoke(principalOf(request), request.params.id, auditActorOf(request));
    return reply.status(204).send();
  });
};
