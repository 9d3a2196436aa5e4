import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { newId } from './new-id.ts';

/**
 * One row of the append-only audit log: who (`actorUserId`, and `impersonatorUserId` while a
 * super admin acts as them), in which tenant, did what to which target, from where, in which
 * trace. The application role may only insert and read; ids are plain uuids, not relations, so
 * the record outlives the users and tenants it names. Page with keyset on
 * `(createdAt desc, id desc)`.
 */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    tenantId: p.uuid().nullable(),
    actorUserId: p.uuid().nullable(),
    impersonatorUserId: p.uuid().nullable(),
    action: p.text(),
    targetType: p.text().nullable(),
    targetId: p.text().nullable(),
    ip: p.text().nullable(),
    traceId: p.text(),
    metadata: p.json<Record<string, unknown>>().columnType('jsonb').onCreate(() => ({})),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});

export type AuditEntry = InferEntity<typeof AuditEntry>;
