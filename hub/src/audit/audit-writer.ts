import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import { AuditEntry } from '@switchboard/db';

/** Who did something and from where: taken from the request once, written with each entry. */
export interface AuditActor {
  actorUserId?: string | undefined;
  /** The super admin acting as `actorUserId`. */
  impersonatorUserId?: string | undefined;
  /** The API key the action came through, recorded in the entry's metadata. */
  apiKeyId?: string | undefined;
  ip?: string | undefined;
  traceId: string;
}

/** What happened, e.g. `{ action: 'team.invited', tenantId, targetType: 'invitation', targetId }`. */
export interface AuditEvent {
  action: string;
  /** The tenant the action belongs to; absent for platform-wide and pre-tenant actions. */
  tenantId?: string | undefined;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/** The actor of a request: its principal (if any), the client's IP and the trace id. */
export function auditActorOf(request: FastifyRequest, override: Partial<AuditActor> = {}): AuditActor {
  const principal = request.principal;
  return {
    actorUserId: principal?.userId,
    impersonatorUserId: principal?.impersonatorUserId,
    apiKeyId: principal?.apiKeyId,
    ip: request.ip,
    traceId: request.id,
    ...override,
  };
}

/**
 * Adds an audit entry to `em`'s unit of work, so it is written in the same transaction as the
 * change it records: either both are stored or neither is.
 */
export function recordAudit(em: EntityManager, actor: AuditActor, event: AuditEvent): void {
  const metadata = { ...(event.metadata ?? {}), ...(actor.apiKeyId === undefined ? {} : { apiKeyId: actor.apiKeyId }) };
  em.create(AuditEntry, {
    tenantId: event.tenantId ?? null,
    actorUserId: actor.actorUserId ?? null,
    impersonatorUserId: actor.impersonatorUserId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: actor.ip ?? null,
    traceId: actor.traceId,
    metadata,
  });
}
