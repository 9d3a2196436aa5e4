import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditEntryView, AuditQuery, Page } from '@switchboard/contracts';
import type { IdentityRoutesOptions } from '../identity/auth.routes.ts';
import { principalOf } from '../identity/me.routes.ts';

const AuditPage = Page(AuditEntryView);

/** `GET /api/v1/audit`: the audit log, newest first, filtered and paged by cursor. */
export const auditRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services }) => {
  app.get('/api/v1/audit', {
    config: { access: ['audit.read', 'platform.audit.read'] },
    schema: {
      tags: ['audit'],
      summary: "Who did what, when: the workspace's log (a super admin: every tenant's, or one with tenantId)",
      querystring: AuditQuery,
      response: { 200: AuditPage },
    },
  }, async (request) => services.audit.page(principalOf(request), request.query));
};
