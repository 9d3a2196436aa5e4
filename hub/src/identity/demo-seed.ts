import { randomUUID } from 'node:crypto';
import type { TenantRole } from '@switchboard/contracts';
import { findSignInUser, Membership, Tenant, User, withTenant, withUser, type Orm } from '@switchboard/db';
import { hashPassword } from '@switchboard/security';
import { recordAudit } from '../audit/audit-writer.ts';

export interface DemoLogin {
  role: TenantRole;
  email: string;
  password: string;
}

export interface DemoTenant {
  tenantId: string;
  tenantName: string;
  /** Whether this call created the tenant (false: it was already there). */
  created: boolean;
  logins: DemoLogin[];
}

const DEMO_TENANT_NAME = 'Demo Store';
const DEMO_TENANT_SLUG = 'demo-store';
const demoPeople = [
  { role: 'owner', email: 'owner@demo.switchboard.local', name: 'Olivia Owner', password: 'demo-console-pass-1' },
  { role: 'agent', email: 'agent@demo.switchboard.local', name: 'Adam Agent', password: 'demo-console-pass-2' },
] as const satisfies ReadonlyArray<DemoLogin & { name: string }>;

/**
 * The demo tenant `npm start` seeds, with an owner and an agent whose emails are verified and
 * whose fixed passwords are printed at start. Idempotent: on a database that has them, it
 * changes nothing (a password someone changed stays changed) and answers the same logins.
 */
export async function seedDemoTenant(orm: Orm): Promise<DemoTenant> {
  const logins: DemoLogin[] = demoPeople.map(({ role, email, password }) => ({ role, email, password }));
  const [ownerSpec, ...others] = demoPeople;
  let created = false;
  let ownerId = (await findSignInUser(orm.em.fork(), ownerSpec.email))?.id;
  let tenantId: string;
  if (ownerId === undefined) {
    ownerId = randomUUID();
    tenantId = randomUUID();
    const owner = { id: ownerId, ...ownerSpec, passwordHash: await hashPassword(ownerSpec.password) };
    await withTenant(orm.em, tenantId, async (em) => {
      em.create(Tenant, { id: tenantId, name: DEMO_TENANT_NAME, slug: `${DEMO_TENANT_SLUG}-${tenantId.slice(0, 6)}`, locale: 'en' });
      em.create(User, { id: owner.id, email: owner.email, name: owner.name, passwordHash: owner.passwordHash, emailVerifiedAt: new Date() });
      em.create(Membership, { tenant: tenantId, user: owner.id, role: 'owner' });
      recordAudit(em, { actorUserId: owner.id, traceId: 'demo-seed' }, { action: 'tenant.created', tenantId, targetType: 'tenant', targetId: tenantId, metadata: { demo: true } });
    }, { userId: owner.id });
    created = true;
  } else {
    const ownerUserId = ownerId;
    const memberships = await withUser(orm.em, ownerUserId, (em) => em.find(Membership, { user: ownerUserId, role: 'owner' }, { orderBy: { createdAt: 'asc' } }));
    const first = memberships[0];
    if (first === undefined) throw new Error(`the demo owner ${ownerSpec.email} owns no tenant any more; remove the account or the database to reseed`);
    tenantId = first.tenant.id;
  }

  for (const person of others) {
    if ((await findSignInUser(orm.em.fork(), person.email)) !== undefined) continue;
    const userId = randomUUID();
    const passwordHash = await hashPassword(person.password);
    await withTenant(orm.em, tenantId, async (em) => {
      em.create(User, { id: userId, email: person.email, name: person.name, passwordHash, emailVerifiedAt: new Date() });
      em.create(Membership, { tenant: tenantId, user: userId, role: person.role });
      recordAudit(em, { actorUserId: ownerId, traceId: 'demo-seed' }, { action: 'team.member_added', tenantId, targetType: 'user', targetId: userId, metadata: { role: person.role, demo: true } });
    }, { userId });
  }
  const tenantName = await withTenant(orm.em, tenantId, async (em) => (await em.findOneOrFail(Tenant, { id: tenantId })).name);
  return { tenantId, tenantName, created, logins };
}
