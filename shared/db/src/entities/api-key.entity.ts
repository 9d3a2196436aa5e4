import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Permission } from '@switchboard/contracts';
import { newId } from './new-id.ts';
import { Tenant } from './tenant.entity.ts';
import { User } from './user.entity.ts';

/**
 * A tenant's key for API clients. `prefix` (shown in the console) identifies it to people; only
 * the hash of the key is stored, and `auth_api_key(key_hash)` resolves it to its tenant.
 */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    tenant: () => p.manyToOne(Tenant).deleteRule('cascade'),
    name: p.text(),
    prefix: p.text(),
    keyHash: p.text().unique().hidden(),
    scopes: p.array<Permission>().columnType('text[]'),
    createdBy: () => p.manyToOne(User).nullable().deleteRule('set null').fieldName('created_by'),
    lastUsedAt: p.datetime().columnType('timestamptz').nullable(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});

export type ApiKey = InferEntity<typeof ApiKey>;
