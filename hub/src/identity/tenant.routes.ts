import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TenantView, UpdateTenantRequest } from '@switchboard/contracts';
import { auditActorOf } from '../audit/audit-writer.ts';
import type { IdentityRoutesOptions } from './auth.routes.ts';
import { principalOf } from './me.routes.ts';

/** `/api/v1/tenant`: the caller's workspace settings. */
export const tenantRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services }) => {
  app.get('/api/v1/tenant', {
    config: { access: 'tenant.read' },
    schema: { tags: ['tenant'], summary: 'The workspace: name, branding, locale, MFA rule', response: { 200: TenantView } },
  }, async (request) => services.tenant.get(principalOf(request)));

  app.patch('/api/v1/tenant', {
    config: { access: 'tenant.update' },
    schema: { tags: ['tenant'], summary: 'Change the workspace name, branding, locale or MFA rule', body: UpdateTenantRequest, response: { 200: TenantView } },
  }, async (request) => services.tenant.update(principalOf(request), request.body, auditActorOf(request)));
};
