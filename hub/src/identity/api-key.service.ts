import type { ApiKeyView, Permission } from '@switchboard/contracts';
import { ApiKey, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { API_KEY_PREFIX, hashToken, newApiKey } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { apiKeyView } from './identity.views.ts';
import type { Principal } from './principal.ts';
import { tenantOf } from './team.service.ts';

/** Characters of a key kept in the clear, so people can tell their keys apart (`sbk_AbCd1234`). */
const PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

/**
 * A tenant's API keys. A key's scopes must be permissions its creator holds, and it keeps
 * working only while its creator is a member with those permissions. The key is shown once,
 * at creation; only its hash is stored.
 */
export class ApiKeyService {
  constructor(private readonly orm: Orm) {}

  async list(principal: Principal): Promise<ApiKeyView[]> {
    const tenantId = tenantOf(principal);
    const keys = await withTenant(this.orm.em, tenantId, (em) => em.find(ApiKey, { tenant: tenantId, revokedAt: null }, { orderBy: { createdAt: 'desc' } }));
    return keys.map(apiKeyView);
  }

  async create(principal: Principal, input: { name: string; scopes: Permission[] }, actor: AuditActor): Promise<{ apiKey: ApiKeyView; key: string }> {
    const tenantId = tenantOf(principal);
    const beyond = input.scopes.filter((scope) => !principal.permissions.includes(scope));
    if (beyond.length > 0) {
      throw new AppError('SB_ERR_FORBIDDEN', {
        message: `A key cannot have permissions you do not have yourself: ${beyond.join(', ')}.`,
        issues: beyond.map((scope) => ({ path: `body/scopes/${input.scopes.indexOf(scope)}`, message: `${scope} is not one of your permissions` })),
      });
    }
    const key = newApiKey();
    const created = await withTenant(this.orm.em, tenantId, async (em) => {
      const apiKey = em.create(ApiKey, {
        tenant: tenantId,
        name: input.name.trim(),
        prefix: key.slice(0, PREFIX_LENGTH),
        keyHash: hashToken(key),
        scopes: [...input.scopes],
        createdBy: principal.userId,
      });
      recordAudit(em, actor, { action: 'apikey.created', tenantId, targetType: 'api_key', targetId: apiKey.id, metadata: { name: apiKey.name, scopes: input.scopes } });
      await em.flush();
      return apiKey;
    }, { userId: principal.userId });
    return { apiKey: apiKeyView(created), key };
  }

  async revoke(principal: Principal, apiKeyId: string, actor: AuditActor): Promise<void> {
    const tenantId = tenantOf(principal);
    await withTenant(this.orm.em, tenantId, async (em) => {
      const revoked = await em.nativeUpdate(ApiKey, { id: apiKeyId, tenant: tenantId, revokedAt: null }, { revokedAt: new Date() });
      if (revoked === 0) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No active API key with this id in your workspace.' });
      recordAudit(em, actor, { action: 'apikey.revoked', tenantId, targetType: 'api_key', targetId: apiKeyId });
    }, { userId: principal.userId });
  }
}
