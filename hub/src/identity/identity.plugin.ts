import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../audit/audit.routes.ts';
import { adminRoutes } from './admin.routes.ts';
import { apiKeyRoutes } from './api-key.routes.ts';
import { authRoutes, type IdentityRoutesOptions } from './auth.routes.ts';
import { meRoutes } from './me.routes.ts';
import { teamRoutes } from './team.routes.ts';
import { tenantRoutes } from './tenant.routes.ts';

/**
 * Every identity route: auth, profile and MFA, team, tenant settings, API keys, audit and the
 * super admin's platform. Each route plugin is encapsulated and declares its routes' access.
 */
export async function identityPlugin(app: FastifyInstance, options: IdentityRoutesOptions): Promise<void> {
  for (const routes of [authRoutes, meRoutes, teamRoutes, tenantRoutes, apiKeyRoutes, auditRoutes, adminRoutes]) {
    await app.register(routes, options);
  }
}
