import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantRoles } from '@switchboard/contracts';
import { newId } from './new-id.ts';
import { Tenant } from './tenant.entity.ts';
import { User } from './user.entity.ts';

/**
 * An invitation to join a tenant with a role. Only the token's hash is stored; the invitee's
 * link carries the token, which `auth_invitation(token_hash)` resolves before any scope exists.
 */
export const Invitation = defineEntity({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).deleteRule('cascade'),
    email: p.text().lowercase(),
    role: p.enum(tenantRoles),
    tokenHash: p.text().unique().hidden(),
    invitedBy: () => p.manyToOne(User).deleteRule('cascade').fieldName('invited_by'),
    expiresAt: p.datetime().columnType('timestamptz'),
    acceptedAt: p.datetime().columnType('timestamptz').nullable(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});

export type Invitation = InferEntity<typeof Invitation>;
