import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { MeView, MfaSetupResponse, MfaVerifyRequest, MfaVerifyResponse } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { auditActorOf } from '../audit/audit-writer.ts';
import type { IdentityRoutesOptions } from './auth.routes.ts';
import type { Principal } from './principal.ts';

/** The signed-in principal of a route that declared `authenticated` (the access plugin checked it). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (principal === undefined) throw new AppError('SB_ERR_UNAUTHENTICATED');
  return principal;
}

/**
 * `GET /api/v1/me` and the signed-in user's MFA. Reachable even while the tenant demands MFA
 * that this user has not set up yet, since this is where they set it up.
 */
export const meRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services }) => {
  app.get('/api/v1/me', {
    config: { access: 'authenticated', mfaExempt: true },
    schema: { tags: ['me'], summary: 'Who is signed in, in which workspace, with which permissions', response: { 200: MeView } },
  }, async (request) => {
    const principal = principalOf(request);
    return services.me.me({
      userId: principal.userId,
      tenantId: principal.tenantId,
      role: principal.role,
      sessionId: principal.sessionId,
      impersonatorUserId: principal.impersonatorUserId,
    });
  });

  app.post('/api/v1/me/mfa/setup', {
    config: { access: 'authenticated', mfaExempt: true },
    schema: { tags: ['me'], summary: 'Start TOTP setup: a new secret and its QR code (not enforced until verified)', response: { 200: MfaSetupResponse } },
  }, async (request) => services.mfa.setup(principalOf(request), auditActorOf(request)));

  app.post('/api/v1/me/mfa/verify', {
    config: { access: 'authenticated', mfaExempt: true },
    schema: { tags: ['me'], summary: 'Turn TOTP on with a first code; answers the recovery codes, once', body: MfaVerifyRequest, response: { 200: MfaVerifyResponse } },
  }, async (request) => services.mfa.verify(principalOf(request), request.body.code, auditActorOf(request)));

  app.delete('/api/v1/me/mfa', {
    config: { access: 'authenticated', mfaExempt: true },
    schema: { tags: ['me'], summary: 'Turn TOTP off with a current code', body: MfaVerifyRequest },
  }, async (request, reply) => {
    await services.mfa.disable(principalOf(request), request.body.code, auditActorOf(request));
    return reply.status(204).send();
  });
};
