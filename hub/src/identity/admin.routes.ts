import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AuthenticatedSession, ImpersonateRequest, Page, TenantIdParams, TenantSummary, TenantView } from '@switchboard/contracts';
import { auditActorOf } from '../audit/audit-writer.ts';
import type { IdentityRoutesOptions } from './auth.routes.ts';
import { principalOf } from './me.routes.ts';
import { answerSession, clientOf } from './session-answer.ts';
import { clearImpersonatorCookie, clearSessionCookies, cookieNames, cookieOf, setImpersonatorCookie } from './session-cookies.ts';

const TenantPage = Page(TenantSummary);

/** `/api/v1/admin/*`: the super admin's platform: tenants, suspension, impersonation. */
export const adminRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services, cookieSecure }) => {
  app.get('/api/v1/admin/tenants', {
    config: { access: 'platform.tenants.read' },
    schema: { tags: ['admin'], summary: 'Every tenant with its member and conversation counts', response: { 200: TenantPage } },
  }, async () => ({ items: await services.platform.tenants() }));

  app.post('/api/v1/admin/tenants/:tenantId/suspend', {
    config: { access: 'platform.tenants.manage' },
    schema: { tags: ['admin'], summary: "Suspend a tenant: its API answers SB_ERR_TENANT_SUSPENDED until reactivated", params: TenantIdParams, response: { 200: TenantView } },
  }, async (request) => services.platform.setStatus(request.params.tenantId, 'suspended', auditActorOf(request)));

  app.post('/api/v1/admin/tenants/:tenantId/reactivate', {
    config: { access: 'platform.tenants.manage' },
    schema: { tags: ['admin'], summary: 'Lift a suspension', params: TenantIdParams, response: { 200: TenantView } },
  }, async (request) => services.platform.setStatus(request.params.tenantId, 'active', auditActorOf(request)));

  app.post('/api/v1/admin/tenants/:tenantId/impersonate', {
    config: { access: 'platform.impersonate' },
    schema: {
      tags: ['admin'],
      summary: "Act as one of the tenant's members for at most 60 minutes; every action is audited with both identities",
      params: TenantIdParams,
      body: ImpersonateRequest,
      response: { 201: AuthenticatedSession },
    },
  }, async (request, reply) => {
    const admin = principalOf(request);
    const { session, me, returnToken } = await services.platform.impersonate(admin, request.params.tenantId, request.body, auditActorOf(request), clientOf(request));
    if (returnToken !== undefined) setImpersonatorCookie(reply, returnToken.token, returnToken.expiresAt, cookieSecure);
    return reply.status(201).send(answerSession(reply, session, me, cookieSecure));
  });

  app.post('/api/v1/admin/impersonation/stop', {
    // Stopping must work even when the member acted as still has MFA to set up.
    config: { access: 'authenticated', mfaExempt: true },
    schema: {
      tags: ['admin'],
      summary: "End the impersonation; a browser returns to the super admin's own session",
      response: { 200: AuthenticatedSession, 204: Type.Null() },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    await services.platform.stopImpersonation(principal, auditActorOf(request));
    const returnToken = cookieOf(request, cookieNames.impersonatorRefresh);
    clearImpersonatorCookie(reply, cookieSecure);
    if (returnToken === undefined) {
      clearSessionCookies(reply, cookieSecure);
      return reply.status(204).send(null);
    }
    try {
      const session = await services.sessions.refresh(returnToken, auditActorOf(request), clientOf(request));
      const me = await services.me.me({ userId: session.userId, role: 'super_admin', sessionId: session.familyId });
      return answerSession(reply, session, me, cookieSecure);
    } catch {
      // The admin's own session ended meanwhile: they sign in again.
      clearSessionCookies(reply, cookieSecure);
      return reply.status(204).send(null);
    }
  });
};
