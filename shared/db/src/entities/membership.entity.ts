import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantRoles } from '@switchboard/contracts';
import { newId } from './new-id.ts';
import { Tenant } from './tenant.entity.ts';
import { User } from './user.entity.ts';

/**
 * A user's role in one tenant (one per pair). Written in the tenant's scope; a user also sees
 * their own memberships in every tenant, to choose one at sign-in.
 */
export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    role: p.enum(tenantRoles),
    lastSeenAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'user'], name: 'memberships_tenant_user_key' }],
});

export type Membership = InferEntity<typeof Membership>;
