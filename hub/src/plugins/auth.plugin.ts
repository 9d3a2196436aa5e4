import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isAppError, type AppError } from '@switchboard/errors';
import { API_KEY_PREFIX } from '@switchboard/security';
import type { Principal } from '../identity/principal.ts';
import type { PrincipalResolver } from '../identity/principal-resolver.ts';
import { cookieNames, cookieOf } from '../identity/session-cookies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is acting, when the request carried a valid credential. */
    principal: Principal | undefined;
    /** Why a presented credential was refused; answered on routes that need a principal. */
    credentialError: AppError | undefined;
  }
}

export interface AuthPluginOptions {
  resolver: PrincipalResolver;
  /** Counts an API request against its tenant's limit; throws when the tenant is over it. */
  limitTenant?: (tenantId: string) => Promise<void>;
}

type Presented = { kind: 'access_token'; token: string; credential: 'bearer' | 'cookie' } | { kind: 'api_key'; key: string };

/**
 * Resolves `request.principal` from, in this order, `Authorization: Bearer <access token>`,
 * `Authorization: Bearer sbk_…` or `x-api-key` (API keys), or the `sb_access` cookie. A refused
 * credential leaves no principal and records why; the access plugin decides whether the route
 * needed one. Public routes such as login still work with a stale cookie.
 */
export const authPlugin = fp(async (app: FastifyInstance, options: AuthPluginOptions) => {
  await app.register(fastifyCookie, { hook: 'onRequest' });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('credentialError', undefined);

  app.addHook('onRequest', async (request) => {
    const presented = presentedCredential(request);
    if (presented === undefined) return;
    try {
      request.principal = presented.kind === 'api_key'
        ? await options.resolver.fromApiKey(presented.key)
        : await options.resolver.fromAccessToken(presented.token, presented.credential);
    } catch (error) {
      if (!isAppError(error)) throw error;
      request.credentialError = error;
    }
    const tenantId = request.principal?.tenantId;
    if (tenantId !== undefined && options.limitTenant !== undefined && request.url.startsWith('/api/')) await options.limitTenant(tenantId);
  });
}, { name: 'auth', dependencies: ['error-handler'] });

function presentedCredential(request: FastifyRequest): Presented | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) return { kind: 'access_token', token: '', credential: 'bearer' };
    const token = match[1];
    return token.startsWith(API_KEY_PREFIX) ? { kind: 'api_key', key: token } : { kind: 'access_token', token, credential: 'bearer' };
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { kind: 'api_key', key: apiKey };
  const cookie = cookieOf(request, cookieNames.access);
  if (cookie !== undefined) return { kind: 'access_token', token: cookie, credential: 'cookie' };
  return undefined;
}
