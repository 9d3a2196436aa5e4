import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { newId } from './new-id.ts';

/**
 * A person, across tenants (their roles are memberships). `email` is stored lowercased (a check
 * constraint refuses anything else). Visible to themselves, to the members of a tenant they
 * belong to, and to the platform; only the platform scope may create a super admin or change
 * `isSuperAdmin`.
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    email: p.text().lowercase().unique(),
    name: p.text(),
    passwordHash: p.text().hidden(),
    emailVerifiedAt: p.datetime().columnType('timestamptz').nullable(),
    isSuperAdmin: p.boolean().onCreate(() => false),
    /** The TOTP secret, sealed by the secret box; never stored or logged in the clear. */
    mfaSecretSealed: p.text().nullable().hidden(),
    mfaEnabled: p.boolean().onCreate(() => false),
    /** The last TOTP time step accepted, so a code cannot be replayed within its window. */
    mfaLastStep: p.bigint('number').nullable(),
    recoveryCodeHashes: p.array().columnType('text[]').onCreate(() => []).hidden(),
    lastSeenAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type User = InferEntity<typeof User>;
