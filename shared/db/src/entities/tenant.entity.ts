import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantStatuses, type Branding } from '@switchboard/contracts';
import { newId } from './new-id.ts';

/**
 * A customer organisation; every tenant-owned row names one. Visible in its own scope, to its
 * members in their user scope, and to the platform. Only the platform scope may change `status`
 * or `suspendedAt` (a trigger enforces it), and the two change together.
 */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    name: p.text(),
    slug: p.text().unique(),
    status: p.enum(tenantStatuses).onCreate(() => 'active' as const),
    branding: p.json<Branding>().columnType('jsonb').onCreate(() => ({})),
    locale: p.text().onCreate(() => 'en'),
    requireMfa: p.boolean().onCreate(() => false),
    /** Handoff keywords, agent inactivity, bot messages and FAQ (contracts `ConversationSettingsView`, partial). */
    conversationSettings: p.json<Record<string, unknown>>().columnType('jsonb').onCreate(() => ({})),
    /** Provider, model, persona, instructions, language, allowed actions (contracts `BotAiSettingsView`, partial). */
    aiSettings: p.json<Record<string, unknown>>().columnType('jsonb').onCreate(() => ({})),
    /** The workspace's own provider key, sealed with the secret box; never sent to a client. */
    aiApiKeySealed: p.text().nullable().lazy(),
    /** Tokens per month through the LLM provider; null: the platform's `AI_MONTHLY_TOKEN_BUDGET`. Platform scope only. */
    aiMonthlyTokenBudget: p.bigint('number').nullable(),
    suspendedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type Tenant = InferEntity<typeof Tenant>;
