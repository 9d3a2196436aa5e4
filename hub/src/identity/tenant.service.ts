import type { Branding, TenantView } from '@switchboard/contracts';
import { Tenant, withTenant, type Orm } from '@switchboard/db';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { tenantView } from './identity.views.ts';
import type { Principal } from './principal.ts';
import { tenantOf } from './team.service.ts';

export interface TenantChanges {
  name?: string | undefined;
  branding?: Branding | undefined;
  locale?: string | undefined;
  requireMfa?: boolean | undefined;
}

/** The principal's own tenant settings: name, branding, locale and whether MFA is required. */
export class TenantService {
  constructor(private readonly orm: Orm) {}

  async get(principal: Principal): Promise<TenantView> {
    const tenantId = tenantOf(principal);
    return withTenant(this.orm.em, tenantId, async (em) => tenantView(await em.findOneOrFail(Tenant, { id: tenantId })));
  }

  async update(principal: Principal, changes: TenantChanges, actor: AuditActor): Promise<TenantView> {
    const tenantId = tenantOf(principal);
    return withTenant(this.orm.em, tenantId, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
      const changed: Record<string, unknown> = {};
      if (changes.name !== undefined && changes.name.trim() !== tenant.name) tenant.name = changed['name'] = changes.name.trim();
      if (changes.branding !== undefined) tenant.branding = changed['branding'] = { ...changes.branding };
      if (changes.locale !== undefined && changes.locale !== tenant.locale) tenant.locale = changed['locale'] = changes.locale;
      if (changes.requireMfa !== undefined && changes.requireMfa !== tenant.requireMfa) tenant.requireMfa = changed['requireMfa'] = changes.requireMfa;
      if (Object.keys(changed).length > 0) {
        recordAudit(em, actor, { action: 'tenant.updated', tenantId, targetType: 'tenant', targetId: tenantId, metadata: { changes: changed } });
      }
      await em.flush();
      return tenantView(tenant);
    }, { userId: principal.userId });
  }
}
