import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedSession, MeView } from '@switchboard/contracts';
import type { ClientInfo } from './login.service.ts';
import type { IssuedSession } from './session.service.ts';
import { setSessionCookies } from './session-cookies.ts';

/** Sets the session cookies and answers the session's body (the access token for API clients). */
export function answerSession(reply: FastifyReply, session: IssuedSession, me: MeView, cookieSecure: boolean): AuthenticatedSession {
  setSessionCookies(reply, session, cookieSecure);
  return {
    status: 'authenticated',
    me,
    accessToken: session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt.toISOString(),
    csrfToken: session.csrfToken,
  };
}

/** Where a request came from, stored with the sessions it starts. */
export function clientOf(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}
