import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { newId } from './new-id.ts';
import { Tenant } from './tenant.entity.ts';
import { User } from './user.entity.ts';

/**
 * One refresh token of a sign-in. Each refresh adds a row to the same `familyId` and marks the
 * presented one `rotatedAt`; presenting an already rotated token is reuse, and revokes the whole
 * family. `impersonator` is set while a super admin acts as `user`.
 */
export const RefreshSession = defineEntity({
  name: 'RefreshSession',
  tableName: 'refresh_sessions',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    familyId: p.uuid(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    tenant: () => p.manyToOne(Tenant).nullable().deleteRule('cascade'),
    tokenHash: p.text().unique().hidden(),
    impersonator: () => p.manyToOne(User).nullable().deleteRule('cascade').fieldName('impersonator_user_id'),
    expiresAt: p.datetime().columnType('timestamptz'),
    rotatedAt: p.datetime().columnType('timestamptz').nullable(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    revokedReason: p.text().nullable(),
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});

export type RefreshSession = InferEntity<typeof RefreshSession>;
