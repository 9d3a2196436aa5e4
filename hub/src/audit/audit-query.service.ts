import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEntryView } from '@switchboard/contracts';
import { withPlatform, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Principal } from '../identity/principal.ts';
import { sqlDate } from '../identity/sql-date.ts';

export interface AuditFilters {
  action?: string | undefined;
  actorUserId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  tenantId?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

interface AuditRow {
  id: string;
  tenantId: string | null;
  actorUserId: string | null;
  actorEmail: string | null;
  impersonatorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  traceId: string;
  metadata: Record<string, unknown>;
  createdAt: Date | string;
}

const DEFAULT_LIMIT = 50;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the audit log newest first, a page at a time. Pages are keyset pages: the cursor is the
 * id of the last entry shown, and the next page starts strictly after its `(createdAt, id)`, so
 * entries written meanwhile never shift a page. A tenant member reads their tenant's log; a
 * super admin reads every tenant's (or one, with `tenantId`) and the entries of no tenant.
 */
export class AuditQueryService {
  constructor(private readonly orm: Orm) {}

  async page(principal: Principal, filters: AuditFilters): Promise<{ items: AuditEntryView[]; nextCursor?: string }> {
    if (filters.cursor !== undefined && !uuidPattern.test(filters.cursor)) {
      throw new AppError('SB_ERR_VALIDATION', { message: 'The request is not valid: querystring/cursor is not a cursor this API gave out.', issues: [{ path: 'querystring/cursor', message: 'is not a cursor this API gave out' }] });
    }
    const limit = filters.limit ?? DEFAULT_LIMIT;
    const platformWide = principal.tenantId === undefined && principal.permissions.includes('platform.audit.read');
    let rows: AuditRow[];
    if (platformWide) {
      rows = await withPlatform(this.orm.em, (em) => this.query(em, filters, filters.tenantId, limit));
    } else {
      const tenantId = principal.tenantId;
      if (tenantId === undefined || (filters.tenantId !== undefined && filters.tenantId !== tenantId)) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: 'You can read the audit log of your own workspace only.' });
      }
      rows = await withTenant(this.orm.em, tenantId, (em) => this.query(em, filters, tenantId, limit));
    }
    const items = rows.slice(0, limit).map(entryView);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, nextCursor: last.id } : { items };
  }

  private async query(em: EntityManager, filters: AuditFilters, tenantId: string | undefined, limit: number): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, ...values: unknown[]) => {
      where.push(condition);
      params.push(...values);
    };
    if (tenantId !== undefined) add('a.tenant_id = ?', tenantId);
    if (filters.action !== undefined) {
      // `team.*` asks for every action of a kind.
      if (filters.action.endsWith('*')) add(`a.action like ? escape '\\'`, `${filters.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
      else add('a.action = ?', filters.action);
    }
    if (filters.actorUserId !== undefined) add('a.actor_user_id = ?', filters.actorUserId);
    if (filters.from !== undefined) add('a.created_at >= ?', new Date(filters.from));
    if (filters.to !== undefined) add('a.created_at < ?', new Date(filters.to));
    if (filters.cursor !== undefined) add('(a.created_at, a.id) < (select c.created_at, c.id from audit_log c where c.id = ?)', filters.cursor);
    params.push(limit + 1);
    return em.execute<AuditRow[]>(`
      select a.id, a.tenant_id as "tenantId", a.actor_user_id as "actorUserId", u.email as "actorEmail",
             a.impersonator_user_id as "impersonatorUserId", a.action, a.target_type as "targetType", a.target_id as "targetId",
             a.ip, a.trace_id as "traceId", a.metadata, a.created_at as "createdAt"
      from audit_log a left join users u on u.id = a.actor_user_id
      ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
      order by a.created_at desc, a.id desc
      limit ?`, params);
  }
}

function entryView(row: AuditRow): AuditEntryView {
  const view: AuditEntryView = { id: row.id, action: row.action, traceId: row.traceId, metadata: row.metadata, createdAt: sqlDate(row.createdAt).toISOString() };
  if (row.tenantId !== null) view.tenantId = row.tenantId;
  if (row.actorUserId !== null) view.actorUserId = row.actorUserId;
  if (row.actorEmail !== null) view.actorEmail = row.actorEmail;
  if (row.impersonatorUserId !== null) view.impersonatorUserId = row.impersonatorUserId;
  if (row.targetType !== null) view.targetType = row.targetType;
  if (row.targetId !== null) view.targetId = row.targetId;
  if (row.ip !== null) view.ip = row.ip;
  return view;
}
