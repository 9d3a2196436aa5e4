import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@switchboard/errors';
import { csrfMatches } from '@switchboard/security';
import { cookieNames, cookieOf } from '../identity/session-cookies.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
export const csrfHeader = 'x-csrf-token';

/**
 * Double-submit CSRF protection. A state-changing request that a browser authenticated with
 * the session cookie must carry `x-csrf-token` equal to the `sb_csrf` cookie, which only a
 * script on our own origin can read. Bearer tokens and API keys are never sent by a browser on
 * its own, so they need no token. On a public route (login, accept invitation) the cookie
 * session is simply not used instead, so a forged request cannot act as the signed-in user.
 */
export const csrfPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    if (request.principal?.credential !== 'cookie' || safeMethods.has(request.method)) return;
    const header = request.headers[csrfHeader];
    if (csrfMatches(cookieOf(request, cookieNames.csrf), typeof header === 'string' ? header : undefined)) return;
    if (request.routeOptions.config.access === 'public') {
      request.principal = undefined;
      return;
    }
    throw new AppError('SB_ERR_CSRF');
  });
}, { name: 'csrf', dependencies: ['auth'] });
