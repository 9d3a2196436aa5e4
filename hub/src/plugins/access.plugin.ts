import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { permissions, type Permission, type RouteAccess } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far with the access it declared: for tests and audits of the API surface. */
    readonly routeAccess: readonly RouteAccessEntry[];
  }
  interface FastifyContextConfig {
    /**
     * What a caller needs to reach this route: a permission (or any one of a list), any
     * signed-in user, or nothing.
     */
    access?: DeclaredAccess;
    /**
     * Reachable by an owner or admin who has not set up MFA yet although the tenant requires
     * it: the profile and MFA routes, so that they can set it up.
     */
    mfaExempt?: boolean;
  }
}

/**
 * A route's declaration: `public`, `authenticated` (a signed-in user; API keys reach only the
 * routes their scopes name), a permission, or a list of permissions any one of which will do
 * (the audit log: `audit.read` in a tenant or `platform.audit.read` across them).
 */
export type DeclaredAccess = RouteAccess | readonly [Permission, ...Permission[]];

/** One registered route and its access, and whether the route or its context declared it. */
export interface RouteAccessEntry {
  method: string;
  url: string;
  access: DeclaredAccess;
  declaredBy: 'route' | 'context';
}

const accessMarkers: readonly string[] = ['public', 'authenticated', ...permissions];

function isDeclaredAccess(value: unknown): value is DeclaredAccess {
  if (typeof value === 'string') return accessMarkers.includes(value);
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && (permissions as readonly string[]).includes(item));
}
const defaultAccessKey = Symbol('switchboard.defaultRouteAccess');
type WithDefaultAccess = FastifyInstance & { [defaultAccessKey]?: DeclaredAccess };

/**
 * Declares the access of every route a third-party plugin registers in this encapsulated
 * context (the OpenAPI UI, static files), which cannot pass our route config itself. Our own
 * routes always declare `config.access` on the route.
 */
export function declareContextAccess(app: FastifyInstance, access: DeclaredAccess): void {
  (app as WithDefaultAccess)[defaultAccessKey] = access;
}

/** The access a registered route declared (after defaults); what the route walk in tests reads. */
export function routeAccessOf(config: unknown): DeclaredAccess | undefined {
  const access = (config as { access?: unknown } | undefined)?.access;
  return isDeclaredAccess(access) ? access : undefined;
}

/**
 * Role-based access control for every route. At registration, a route that declares no
 * `config.access` makes startup fail, so an unguarded route cannot ship. On each request,
 * before the body is even parsed, it enforces the declaration against `request.principal`:
 * 401 without a principal, 403 when the tenant is suspended, when the tenant requires MFA that
 * this owner/admin has not set up, or when the role (or API key scopes) lacks the permission.
 */
export const accessPlugin = fp(async (app: FastifyInstance) => {
  const table: RouteAccessEntry[] = [];
  app.decorate('routeAccess', table);
  app.addHook('onRoute', function declareAccess(this: FastifyInstance, route) {
    const given = (route.config as { access?: unknown } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    if (given !== undefined && !isDeclaredAccess(given)) {
      throw new Error(`route ${methods} ${route.url} declares unknown access ${JSON.stringify(given)}`);
    }
    const declared = routeAccessOf(route.config) ?? (this as WithDefaultAccess)[defaultAccessKey];
    if (declared === undefined) {
      throw new Error(`route ${methods} ${route.url} declares no access: add config: { access: <permission> | 'authenticated' | 'public' }`);
    }
    route.config = { ...route.config, access: declared };
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      table.push({ method, url: route.url, access: declared, declaredBy: given === undefined ? 'context' : 'route' });
    }
  });

  app.addHook('onRequest', async (request) => {
    enforceAccess(request);
  });
}, { name: 'access' });

function enforceAccess(request: FastifyRequest): void {
  const { access, mfaExempt } = request.routeOptions.config;
  // Not-found and other framework handlers carry no route config; they serve nothing.
  if (access === undefined || access === 'public') return;
  const principal = request.principal;
  if (principal === undefined) {
    throw request.credentialError ?? new AppError('SB_ERR_UNAUTHENTICATED');
  }
  if (principal.tenantSuspended) throw new AppError('SB_ERR_TENANT_SUSPENDED');
  if (principal.mfaSetupRequired && mfaExempt !== true) throw new AppError('SB_ERR_MFA_SETUP_REQUIRED');
  if (access === 'authenticated') {
    if (principal.credential === 'api_key') {
      throw new AppError('SB_ERR_FORBIDDEN', { message: 'API keys reach only the routes their scopes name; this one needs a signed-in user.' });
    }
    return;
  }
  const needed: readonly Permission[] = typeof access === 'string' ? [access] : access;
  if (!needed.some((permission) => principal.permissions.includes(permission))) {
    throw new AppError('SB_ERR_FORBIDDEN', { message: `Your role does not allow this action (it needs the permission "${needed.join('" or "')}").` });
  }
}
