import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  AcceptInvitationRequest,
  AuthenticatedSession,
  ForgotPasswordRequest,
  InvitationPreview,
  InvitationTokenParams,
  LoginRequest,
  LoginResponse,
  RefreshRequest,
  RefreshResponse,
  ResetPasswordRequest,
  SignupRequest,
  TokenRequest,
} from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { auditActorOf } from '../audit/audit-writer.ts';
import { rateLimits, type RateLimitRule } from '../rate-limit/rate-limiter.ts';
import type { IdentityServices } from './identity-services.ts';
import { answerSession, clientOf } from './session-answer.ts';
import { clearSessionCookies, cookieNames, cookieOf, setSessionCookies } from './session-cookies.ts';

export interface IdentityRoutesOptions {
  services: IdentityServices;
  cookieSecure: boolean;
}

/**
 * `/api/v1/auth/*`: everything before and around a session. All public (a stale cookie never
 * gets in the way of signing in), each limited per client address before the body is read.
 */
export const authRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services, cookieSecure }) => {
  const limitPerIp = (name: string, rule: RateLimitRule) => async (request: FastifyRequest) => {
    await services.rateLimiter.consume(`${name}:ip:${request.ip}`, rule);
  };
  // Work that runs after its answer (the forgot-password mail) finishes before the app closes.
  const background = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...background]);
  });

  app.post('/api/v1/auth/signup', {
    config: { access: 'public' },
    onRequest: limitPerIp('signup', rateLimits.signupPerIp),
    schema: { tags: ['auth'], summary: 'Create a workspace and its owner, and sign in', body: SignupRequest, response: { 201: AuthenticatedSession } },
  }, async (request, reply) => {
    const { session, me } = await services.signup.signup(request.body, auditActorOf(request), clientOf(request));
    return reply.status(201).send(answerSession(reply, session, me, cookieSecure));
  });

  app.post('/api/v1/auth/login', {
    config: { access: 'public' },
    // Counted per address: every password attempt, however malformed. The later steps of a
    // login (tenant, TOTP) are counted against the account instead.
    preValidation: async (request) => {
      if (isLaterLoginStep(request.body)) return;
      await limitPerIp('login', rateLimits.loginPerIp)(request);
    },
    schema: {
      tags: ['auth'],
      summary: 'Sign in: email and password, then the workspace or the TOTP code when asked',
      body: LoginRequest,
      response: { 200: LoginResponse },
    },
  }, async (request, reply) => {
    const outcome = await services.login.login(request.body, auditActorOf(request, { actorUserId: undefined }), clientOf(request));
    if (outcome.status === 'authenticated') return answerSession(reply, outcome.session, outcome.me, cookieSecure);
    if (outcome.status === 'mfa_required') return outcome;
    return {
      status: outcome.status,
      challengeToken: outcome.challengeToken,
      tenants: outcome.tenants.map(({ id, name, slug, role }) => ({ id, name, slug, role })),
    };
  });

  app.post('/api/v1/auth/logout', {
    config: { access: 'public' },
    preValidation: acceptEmptyBody,
    schema: { tags: ['auth'], summary: 'End this session (all its refresh tokens) and clear its cookies', body: RefreshRequest },
  }, async (request, reply) => {
    const principal = request.principal;
    await services.sessions.logout({
      refreshToken: request.body.refreshToken ?? cookieOf(request, cookieNames.refresh),
      session: principal?.sessionId === undefined ? undefined : { familyId: principal.sessionId, userId: principal.userId, tenantId: principal.tenantId },
    }, auditActorOf(request));
    clearSessionCookies(reply, cookieSecure);
    return reply.status(204).send();
  });

  app.post('/api/v1/auth/refresh', {
    config: { access: 'public' },
    preValidation: acceptEmptyBody,
    schema: {
      tags: ['auth'],
      summary: 'Exchange the refresh token (cookie or body) for a new access token; each refresh token works once',
      body: RefreshRequest,
      response: { 200: RefreshResponse },
    },
  }, async (request, reply) => {
    const fromBody = request.body.refreshToken;
    const token = fromBody ?? cookieOf(request, cookieNames.refresh);
    if (token === undefined) throw new AppError('SB_ERR_UNAUTHENTICATED', { message: 'No refresh token came with the request; sign in again.' });
    const csrf = fromBody === undefined ? cookieOf(request, cookieNames.csrf) : undefined;
    let session;
    try {
      session = await services.sessions.refresh(token, auditActorOf(request, { actorUserId: undefined }), clientOf(request), csrf);
    } catch (error) {
      if (fromBody === undefined) clearSessionCookies(reply, cookieSecure);
      throw error;
    }
    const answer = { accessToken: session.accessToken, accessTokenExpiresAt: session.accessTokenExpiresAt.toISOString(), csrfToken: session.csrfToken };
    if (fromBody !== undefined) return { ...answer, refreshToken: session.refreshToken };
    setSessionCookies(reply, session, cookieSecure);
    return answer;
  });

  app.post('/api/v1/auth/verify-email', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Confirm an email address with the token from the mailed link', body: TokenRequest },
  }, async (request, reply) => {
    await services.emailVerification.verify(request.body.token, auditActorOf(request));
    return reply.status(204).send();
  });

  app.post('/api/v1/auth/verify-email/resend', {
    config: { access: 'authenticated', mfaExempt: true },
    onRequest: async (request) => {
      await services.rateLimiter.consume(`verify-email:user:${request.principal?.userId ?? request.ip}`, rateLimits.passwordResetPerIp);
    },
    schema: { tags: ['auth'], summary: 'Send the signed-in user a new verification link' },
  }, async (request, reply) => {
    const principal = request.principal;
    if (principal === undefined) throw new AppError('SB_ERR_UNAUTHENTICATED');
    await services.emailVerification.resend(principal.userId, auditActorOf(request));
    return reply.status(202).send();
  });

  app.post('/api/v1/auth/forgot-password', {
    config: { access: 'public' },
    onRequest: limitPerIp('password-reset', rateLimits.passwordResetPerIp),
    schema: { tags: ['auth'], summary: 'Mail a password-reset link; answers 202 whether or not the address has an account', body: ForgotPasswordRequest },
  }, async (request, reply) => {
    const task = services.passwordReset.request(request.body.email, auditActorOf(request, { actorUserId: undefined }));
    background.add(task);
    void task.finally(() => background.delete(task));
    return reply.status(202).send();
  });

  app.post('/api/v1/auth/reset-password', {
    config: { access: 'public' },
    onRequest: limitPerIp('password-reset', rateLimits.passwordResetPerIp),
    schema: { tags: ['auth'], summary: 'Choose a new password with the token from the mailed link; ends every session', body: ResetPasswordRequest },
  }, async (request, reply) => {
    await services.passwordReset.reset(request.body.token, request.body.password, auditActorOf(request, { actorUserId: undefined }));
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/invitations/:token', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'What an invitation link offers', params: InvitationTokenParams, response: { 200: InvitationPreview } },
  }, async (request) => services.invitations.preview(request.params.token));

  app.post('/api/v1/auth/invitations/accept', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Accept an invitation: as the signed-in invitee, or as a new person with name and password',
      body: AcceptInvitationRequest,
      response: { 201: AuthenticatedSession },
    },
  }, async (request, reply) => {
    const principal = request.principal;
    const { session, me, replacedFamilyId } = await services.invitations.accept(request.body, principal, auditActorOf(request), clientOf(request));
    if (replacedFamilyId !== undefined && principal !== undefined) {
      // The browser's cookies now hold the new tenant's session; the old one would only linger.
      await services.sessions.end({ familyId: replacedFamilyId, userId: principal.userId, tenantId: principal.tenantId }, 'switched_tenant');
    }
    return reply.status(201).send(answerSession(reply, session, me, cookieSecure));
  });
};

function isLaterLoginStep(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'challengeToken' in body && !('password' in body);
}

/** A POST without any body counts as `{}` (a JSON `null` is still refused by the schema). */
async function acceptEmptyBody(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}
