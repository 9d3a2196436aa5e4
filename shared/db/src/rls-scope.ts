import type { EntityManager } from '@mikro-orm/postgresql';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a transaction may see: see the policies of migration 0002. */
interface ScopeSettings {
  tenantId?: string | undefined;
  userId?: string | undefined;
  platform?: boolean;
}

function requireUuid(helper: string, what: string, value: string): string {
  if (!uuidPattern.test(value)) throw new TypeError(`${helper} needs a ${what} UUID, got "${value}"`);
  return value.toLowerCase();
}

/**
 * One transaction on a fresh fork (its own pooled connection) with every setting the policies
 * read set with `SET LOCAL` semantics (`set_config(..., true)`): the ones not given are set to
 * empty, so nothing is inherited, and all end with the transaction, so a pooled connection never
 * carries one request's scope into another's.
 */
async function inScope<T>(em: EntityManager, settings: ScopeSettings, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.fork({ disableTransactions: false }).transactional(async (tx) => {
    await tx.execute(
      `select set_config('app.current_tenant', ?, true), set_config('app.current_user', ?, true), set_config('app.platform', ?, true)`,
      [settings.tenantId ?? '', settings.userId ?? '', settings.platform === true ? 'on' : ''],
    );
    return work(tx);
  });
}

/**
 * Runs `work` in a transaction scoped to one tenant: row-level security lets it see and write
 * that tenant's rows only (and the users rows of its members). Pass `userId` for work a signed-in
 * member does in the tenant, so their own rows (profile, sessions, tokens) are in reach too.
 */
export async function withTenant<T>(
  em: EntityManager,
  tenantId: string,
  work: (em: EntityManager) => Promise<T>,
  options: { userId?: string } = {},
): Promise<T> {
  const tenant = requireUuid('withTenant', 'tenant', tenantId);
  const user = options.userId === undefined ? undefined : requireUuid('withTenant', 'user', options.userId);
  return inScope(em, { tenantId: tenant, userId: user }, work);
}

/**
 * Runs `work` as one user with no tenant: their own users row, tokens and sessions, and their
 * memberships (with those tenants' rows) in every tenant. For signing in (choosing a tenant),
 * profile and MFA.
 */
export async function withUser<T>(em: EntityManager, userId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return inScope(em, { userId: requireUuid('withUser', 'user', userId) }, work);
}

/**
 * Runs `work` in the platform scope: every tenant's rows. Only for a super admin's request that
 * has been authorised as such (list or suspend tenants, impersonate, audit across tenants), and
 * for operator tooling; never for unauthenticated code, which has the `auth_*` lookups.
 */
export async function withPlatform<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return inScope(em, { platform: true }, work);
}
