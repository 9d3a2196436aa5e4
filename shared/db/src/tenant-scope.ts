import type { EntityManager } from '@mikro-orm/postgresql';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in a transaction scoped to one tenant: `app.current_tenant` is set with
 * `SET LOCAL` semantics (`set_config(..., true)`), so row-level-security policies see only this
 * tenant's rows, and the setting ends with the transaction; a pooled connection never carries
 * one tenant's context into another's request. Use a forked entity manager per unit of work.
 */
export async function withTenant<T>(em: EntityManager, tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (!uuidPattern.test(tenantId)) {
    throw new TypeError(`withTenant needs a tenant UUID, got "${tenantId}"`);
  }
  return em.fork().transactional(async (tx) => {
    await tx.execute(`select set_config('app.current_tenant', ?, true)`, [tenantId]);
    return work(tx);
  });
}
