import { ConversationSettingsView, checkSchema } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import type { ResponderSettings } from '../ai/first-responder.ts';
import { defaultConversationSettings, defaultResponderSettings } from '../ai/default-bot-settings.ts';
import type { ConversationSettings } from './conversation.machine.ts';

export interface TenantBotSettings {
  conversation: ConversationSettings;
  responder: ResponderSettings;
}

/** The tenant's stored settings merged over the defaults; a field that no longer validates falls back to its default. */
export function mergeTenantSettings(stored: unknown): TenantBotSettings {
  const partial = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const pick = <K extends keyof ConversationSettingsView>(key: K): ConversationSettingsView[K] | undefined => {
    const value = partial[key];
    const check = checkSchema(ConversationSettingsView.properties[key], value);
    return check.ok ? (value as ConversationSettingsView[K]) : undefined;
  };
  const keywords = pick('handoffKeywords') ?? defaultConversationSettings.handoffKeywords;
  const handoffMessage = pick('handoffMessage') ?? defaultConversationSettings.handoffMessage;
  const inactivity = pick('agentInactivityMinutes');
  return {
    conversation: {
      handoffKeywords: keywords,
      agentInactivityMs: inactivity === undefined ? defaultConversationSettings.agentInactivityMs : inactivity * 60_000,
      handoffMessage,
      fallbackMessage: pick('fallbackMessage') ?? defaultConversationSettings.fallbackMessage,
    },
    responder: {
      ...defaultResponderSettings,
      greeting: pick('greeting') ?? defaultResponderSettings.greeting,
      handoffMessage,
      handoffKeywords: keywords,
      faq: pick('faq') ?? defaultResponderSettings.faq,
      blockedPatterns: pick('blockedPatterns') ?? [],
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
      const [row] = await em.execute<Array<{ conversation_settings: unknown }>>('select conversation_settings from tenants where id = ?', [tenantId]);
      return mergeTenantSettings(row?.conversation_settings);
    });
    cache.set(tenantId, { at: Date.now(), settings });
    settings.catch(() => cache.delete(tenantId));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value ?? '');
    return settings;
  };
}
