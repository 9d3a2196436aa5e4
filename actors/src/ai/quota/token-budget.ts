import type { EntityManager } from '@mikro-orm/postgresql';
import { withTenant, type Orm } from '@switchboard/db';
import type { Logger } from 'pino';
import { costUsd } from './price-table.ts';

/** Tokens held for one provider call until it is settled or released. */
export interface Reservation {
  tenantId: string;
  /** The calendar month (UTC) the tokens count against, `YYYY-MM-01`. */
  month: string;
  tokens: number;
  budget: number;
}

/** One provider call, as the usage log records it. */
export interface CallRecord {
  conversationId?: string | undefined;
  provider: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
}

/** The owner is told once a month that the tenant has used `ratio` of its budget. */
export interface SoftLimitNotice {
  tenantId: string;
  tenantName: string;
  month: string;
  used: number;
  budget: number;
  ownerEmails: string[];
}

export interface TokenBudgetOptions {
  orm: Orm;
  /** The budget of tenants without their own (`AI_MONTHLY_TOKEN_BUDGET`). */
  defaultMonthlyTokens: number;
  /** Share of the budget past which the owner is told; 0.8 by default. */
  softLimitRatio?: number;
  onSoftLimit?: (notice: SoftLimitNotice) => Promise<void>;
  logger?: Logger;
}

/**
 * A tenant's monthly token budget, kept in PostgreSQL so every runner shares it. Tokens are
 * reserved before a provider call (refused when the reservation would pass the budget: the
 * hard limit), then settled with what the call really used, or released when it failed, so a
 * failed call costs nothing. Each settled or failed call is a row of the usage log. Past the
 * soft limit the owner is notified, once per month whatever the number of runners.
 */
export class TokenBudget {
  private readonly softLimitRatio: number;

  constructor(private readonly options: TokenBudgetOptions) {
    this.softLimitRatio = options.softLimitRatio ?? 0.8;
  }

  /** Holds `tokens` for a call; `undefined` when the month's budget cannot cover them. */
  async reserve(tenantId: string, tokens: number): Promise<Reservation | undefined> {
    const held = Math.max(1, Math.ceil(tokens));
    return withTenant(this.options.orm.em, tenantId, async (em) => {
      // One statement: the first call of the month creates the row, later ones add to it, and
      // the condition is checked on the row as locked, so concurrent runners cannot overspend.
      const rows = await em.execute<Array<{ month: string; budget: string }>>(
        `with budget as (select coalesce(ai_monthly_token_budget, ?::bigint) as tokens from tenants where id = ?)
         insert into ai_token_months as m (tenant_id, month, reserved)
         select ?, (date_trunc('month', now() at time zone 'utc'))::date, ?::bigint from budget where ?::bigint <= budget.tokens
         on conflict (tenant_id, month) do update set reserved = m.reserved + excluded.reserved
           where m.used + m.reserved + excluded.reserved <= (select tokens from budget)
         returning m.month::text as month, (select tokens from budget)::text as budget`,
        [this.options.defaultMonthlyTokens, tenantId, tenantId, held, held],
      );
      const [row] = rows;
      return row === undefined ? undefined : { tenantId, month: row.month, tokens: held, budget: Number(row.budget) };
    });
  }

  /** The call succeeded: its real tokens count, the reservation is let go, the call is logged. */
  async settle(reservation: Reservation, call: CallRecord): Promise<void> {
    const used = call.tokensIn + call.tokensOut;
    const notice = await withTenant(this.options.orm.em, reservation.tenantId, async (em) => {
      await em.execute(
        'update ai_token_months set reserved = greatest(reserved - ?::bigint, 0), used = used + ?::bigint where tenant_id = ? and month = ?::date',
        [reservation.tokens, used, reservation.tenantId, reservation.month],
      );
      await this.log(em, reservation.tenantId, call, 'ok');
      // Whoever passes the soft limit first claims the notice; every later call finds it taken.
      const passed = await em.execute<Array<{ used: string }>>(
        `update ai_token_months set soft_limit_notified_at = now()
         where tenant_id = ? and month = ?::date and soft_limit_notified_at is null and used >= ?::bigint and ?::bigint > 0
         returning used::text as used`,
        [reservation.tenantId, reservation.month, Math.ceil(reservation.budget * this.softLimitRatio), reservation.budget],
      );
      if (passed.length === 0) return undefined;
      const owners = await em.execute<Array<{ email: string; name: string }>>(
        `select u.email, t.name from memberships m join users u on u.id = m.user_id join tenants t on t.id = m.tenant_id
         where m.tenant_id = ? and m.role = 'owner' order by u.email`,
        [reservation.tenantId],
      );
      return {
        tenantId: reservation.tenantId,
        tenantName: owners[0]?.name ?? '',
        month: reservation.month,
        used: Number(passed[0]?.used ?? used),
        budget: reservation.budget,
        ownerEmails: owners.map((owner) => owner.email),
      } satisfies SoftLimitNotice;
    });
    if (notice !== undefined && this.options.onSoftLimit !== undefined) {
      await this.options.onSoftLimit(notice).catch((error: unknown) => {
        this.options.logger?.error({ err: error, tenantId: notice.tenantId }, 'the soft-limit notice could not be sent');
      });
    }
  }

  /** The call failed: the reservation is given back whole and the failure logged with no tokens. */
  async release(reservation: Reservation, call: Omit<CallRecord, 'tokensIn' | 'tokensOut'>): Promise<void> {
    await withTenant(this.options.orm.em, reservation.tenantId, async (em) => {
      await em.execute(
        'update ai_token_months set reserved = greatest(reserved - ?::bigint, 0) where tenant_id = ? and month = ?::date',
        [reservation.tokens, reservation.tenantId, reservation.month],
      );
      await this.log(em, reservation.tenantId, { ...call, tokensIn: 0, tokensOut: 0 }, 'failed');
    });
  }

  private async log(em: EntityManager, tenantId: string, call: CallRecord, outcome: 'ok' | 'failed'): Promise<void> {
    await em.execute(
      `insert into ai_usage (tenant_id, conversation_id, provider, model, tokens_in, tokens_out, cost_usd, latency_ms, outcome)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [tenantId, call.conversationId ?? null, call.provider, call.model, call.tokensIn, call.tokensOut,
        costUsd(call.model, call.tokensIn, call.tokensOut), Math.max(0, Math.round(call.latencyMs)), outcome],
    );
  }
}
