import { ConversationSettingsView, checkSchema, mergeBotAiSettings, type StoredBotAiSettings } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import type { ResponderSettings } from '../ai/first-responder.ts';
import { defaultConversationSettings, defaultResponderSettings } from '../ai/default-bot-settings.ts';
import type { ConversationSettings } from './conversation.machine.ts';

/** The workspace's AI settings as stored; the key stays sealed until a provider is built. */
export interface TenantAiSettings extends StoredBotAiSettings {
  apiKeySealed: string | null;
}

export interface TenantBotSettings {
  conversation: ConversationSettings;
  responder: ResponderSettings;
  ai: TenantAiSettings;
}

/** Stored AI settings over the defaults, with the sealed key beside them. */
export function mergeAiSettings(stored: unknown, apiKeySealed: string | null = null): TenantAiSettings {
  return { ...mergeBotAiSettings(stored), apiKeySealed };
}

/** The tenant's stored settings merged over the defaults; a field that no longer validates falls back to its default. */
export function mergeTenantSettings(stored: unknown, aiStored?: unknown, apiKeySealed: string | null = null): TenantBotSettings {
  const partial = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const pick = <K extends keyof ConversationSettingsView>(key: K): ConversationSettingsView[K] | undefined => {
    const value = partial[key];
    const check = checkSchema(ConversationSettingsView.properties[key], value);
    return check.ok ? (value as ConversationSettingsView[K]) : undefined;
  };
  const keywords = pick('handoffKeywords') ?? defaultConversationSettings.handoffKeywords;
  const handoffMessage = pick('handoffMessage') ?? defaultConversationSettings.handoffMessage;
  const inactivity = pick('agentInactivityMinutes');
  const ai = mergeAiSettings(aiStored, apiKeySealed);
  return {
    ai,
    conversation: {
      handoffKeywords: keywords,
      agentInactivityMs: inactivity === undefined ? defaultConversationSettings.agentInactivityMs : inactivity * 60_000,
      handoffMessage,
      fallbackMessage: pick('fallbackMessage') ?? defaultConversationSettings.fallbackMessage,
      businessHours: pick('businessHours'),
      outOfHoursMessage: pick('outOfHoursMessage') ?? defaultConversationSettings.outOfHoursMessage,
    },
    responder: {
      ...defaultResponderSettings,
      greeting: pick('greeting') ?? defaultResponderSettings.greeting,
      handoffMessage,
      handoffKeywords: keywords,
      faq: pick('faq') ?? defaultResponderSettings.faq,
      blockedPatterns: pick('blockedPatterns') ?? [],
      persona: { name: ai.personaName, instructions: ai.instructions, language: ai.language, temperature: ai.temperature, allowedActions: ai.allowedActions },
    },
  };
}

/**
 * Reads tenants' bot settings, cached briefly so the message path does not pay a query per
 * message; an admin's change applies within `ttlMs`.
 */
export function tenantSettingsSource(orm: Orm, ttlMs = 5_000): (tenantId: string) => Promise<TenantBotSettings> {
  const cache = new Map<string, { at: number; settings: Promise<TenantBotSettings> }>();
  return (tenantId) => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.settings;
    const settings = withTenant(orm.em, tenantId, async (em) => {
      const [row] = await em.execute<Array<{ conversation_settings: unknown; ai_settings: unknown; ai_api_key_sealed: string | null; name: string }>>(
        'select conversation_settings, ai_settings, ai_api_key_sealed, name from tenants where id = ?', [tenantId]);
      const settings = mergeTenantSettings(row?.conversation_settings, row?.ai_settings, row?.ai_api_key_sealed ?? null);
      return { ...settings, responder: { ...settings.responder, businessName: row?.name ?? '' } };
    });
    cache.set(tenantId, { at: Date.now(), settings });
    settings.catch(() => cache.delete(tenantId));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value ?? '');
    return settings;
  };
}
