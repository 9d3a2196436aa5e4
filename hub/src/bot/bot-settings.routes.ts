import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Bus } from '@switchboard/bus';
import {
  AiAnswer,
  AiRequest,
  AiUsageQuery,
  AiUsageReport,
  BotAiSettingsUpdate,
  BotAiSettingsView,
  BotPreviewRequest,
  BotPreviewResult,
  mergeBotAiSettings,
  subjects,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { SecretBox } from '@switchboard/security';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';

export interface BotSettingsRoutesOptions {
  orm: Orm;
  bus: Bus;
  secrets: SecretBox;
  /** The provider of workspaces on `platform`, e.g. `openai:gpt-4o-mini`; absent: offline. */
  platformProvider?: string | undefined;
  /** The monthly token budget of workspaces without their own (`AI_MONTHLY_TOKEN_BUDGET`). */
  defaultMonthlyTokens: number;
}

interface SettingsRow {
  ai_settings: Record<string, unknown> | null;
  ai_api_key_sealed: string | null;
}

/**
 * `/api/v1/bot`: the bot's AI settings (provider, model, own key — sealed, write-only —,
 * temperature, persona, instructions, language, allowed actions), a preview chat with the bot as
 * configured, and the AI usage against the month's token budget. Admins and owners only.
 */
export const botSettingsRoutes: FastifyPluginAsyncTypebox<BotSettingsRoutesOptions> = async (app, options) => {
  const { orm, bus, secrets } = options;
  const tenantOf = (request: Parameters<typeof principalOf>[0]) => {
    const { tenantId } = principalOf(request);
    if (tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: "The bot's settings belong to a workspace; sign in to one." });
    return tenantId;
  };
  const inTenant = <T>(request: Parameters<typeof principalOf>[0], work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const tenantId = tenantOf(request);
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };
  const viewOf = (row: SettingsRow | undefined): BotAiSettingsView => {
    const settings = mergeBotAiSettings(row?.ai_settings ?? null);
    const activeProvider = settings.provider === 'offline'
      ? 'offline'
      : settings.provider === 'openai-compatible' && settings.baseUrl !== undefined
        ? `openai:${settings.model ?? 'gpt-4o-mini'}`
        : options.platformProvider ?? 'offline';
    return { ...settings, apiKeySet: row?.ai_api_key_sealed != null, activeProvider };
  };

  app.get('/api/v1/bot/ai-settings', {
    config: { access: 'bot.manage' },
    schema: { tags: ['bot'], summary: "The bot's AI settings and the provider it runs on now (the key is never returned)", response: { 200: BotAiSettingsView } },
  }, async (request) => viewOf(await inTenant(request, async (em) =>
    (await em.execute<SettingsRow[]>('select ai_settings, ai_api_key_sealed from tenants'))[0])));

  app.put('/api/v1/bot/ai-settings', {
    config: { access: 'bot.manage' },
    schema: { tags: ['bot'], summary: "Change the bot's provider, model, key, temperature, persona, instructions, language or allowed actions", body: BotAiSettingsUpdate, response: { 200: BotAiSettingsView } },
  }, async (request) => {
    const { apiKey, removeApiKey, ...settings } = request.body;
    if (settings.provider === 'openai-compatible' && settings.baseUrl === undefined) {
      throw new AppError('SB_ERR_VALIDATION', {
        message: 'An OpenAI-compatible provider needs its base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1.',
        issues: [{ path: '/baseUrl', message: 'is required for an openai-compatible provider' }],
      });
    }
    const row = await inTenant(request, async (em, tenantId) => {
      // A new key replaces the stored one, sealed; `removeApiKey` drops it; neither keeps it.
      const sealed = apiKey !== undefined ? secrets.seal(apiKey) : removeApiKey === true ? null : undefined;
      const [updated] = await em.execute<SettingsRow[]>(
        `update tenants set ai_settings = ?::jsonb,
           ai_api_key_sealed = case when ?::boolean then ?::text else ai_api_key_sealed end, updated_at = now()
         where id = ? returning ai_settings, ai_api_key_sealed`,
        [JSON.stringify(settings), sealed !== undefined, sealed ?? null, tenantId],
      );
      recordAudit(em, auditActorOf(request), {
        action: 'bot.ai_settings.updated', tenantId, targetType: 'tenant', targetId: tenantId,
        metadata: { provider: settings.provider, model: settings.model ?? null, apiKey: apiKey !== undefined ? 'replaced' : removeApiKey === true ? 'removed' : 'kept' },
      });
      await em.flush();
      return updated;
    });
    return viewOf(row);
  });

  app.post('/api/v1/bot/preview', {
    config: { access: 'bot.manage' },
    schema: { tags: ['bot'], summary: 'Ask the bot as it is configured now; nothing is stored and no customer sees it', body: BotPreviewRequest, response: { 200: BotPreviewResult } },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const question: AiRequest = {
      tenantId,
      conversationId: randomUUID(),
      messageId: `preview:${randomUUID()}`,
      text: request.body.text,
      history: request.body.history ?? [],
      isFirstMessage: (request.body.history ?? []).length === 0,
    };
    return bus.request(subjects.request('ai', tenantId), { request: AiRequest, response: AiAnswer }, question, { timeoutMs: 15_000 });
  });

  app.get('/api/v1/bot/usage', {
    config: { access: 'bot.manage' },
    schema: { tags: ['bot'], summary: "This month's AI tokens against the budget, and calls, tokens and cost per day and model", querystring: AiUsageQuery, response: { 200: AiUsageReport } },
  }, async (request) => inTenant(request, async (em) => {
    const days = request.query.days ?? 30;
    const [month] = await em.execute<Array<{ month: string; used: string; reserved: string; budget: string; notified: boolean }>>(
      `select to_char(date_trunc('month', now() at time zone 'utc'), 'YYYY-MM-DD') as month,
         coalesce(m.used, 0)::text as used, coalesce(m.reserved, 0)::text as reserved,
         coalesce(t.ai_monthly_token_budget, ?::bigint)::text as budget, m.soft_limit_notified_at is not null as notified
       from tenants t left join ai_token_months m on m.tenant_id = t.id and m.month = (date_trunc('month', now() at time zone 'utc'))::date`,
      [options.defaultMonthlyTokens],
    );
    const rows = await em.execute<Array<{ day: string; model: string; calls: string; failed: string; tokens_in: string; tokens_out: string; cost: string; p50: number | null }>>(
      `select to_char(created_at at time zone 'utc', 'YYYY-MM-DD') as day, model, count(*)::text as calls,
         count(*) filter (where outcome = 'failed')::text as failed, sum(tokens_in)::text as tokens_in, sum(tokens_out)::text as tokens_out,
         sum(cost_usd)::text as cost, percentile_cont(0.5) within group (order by latency_ms) as p50
       from ai_usage where created_at >= (now() at time zone 'utc')::date - (?::int - 1)
       group by 1, 2 order by 1, 2`,
      [days],
    );
    return {
      month: {
        month: month?.month ?? '',
        used: Number(month?.used ?? 0),
        reserved: Number(month?.reserved ?? 0),
        budget: Number(month?.budget ?? options.defaultMonthlyTokens),
        softLimitNotified: month?.notified ?? false,
      },
      days: rows.map((row) => ({
        day: row.day,
        model: row.model,
        calls: Number(row.calls),
        failed: Number(row.failed),
        tokensIn: Number(row.tokens_in),
        tokensOut: Number(row.tokens_out),
        costUsd: Number(row.cost),
        p50LatencyMs: row.p50 ?? 0,
      })),
    };
  }));
};
