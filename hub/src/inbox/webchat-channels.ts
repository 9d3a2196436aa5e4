import {
  checkSchema,
  ConversationSettingsView,
  defaultConversationSettingsView,
  type Branding,
  type WidgetConfig,
} from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
import { verifyWebchatIdentity, webchatIdentitySecret, type DerivedKeys } from '@switchboard/security';

/** A webchat channel as the widget's handshake needs it, found by its public key. */
export interface WebchatChannel {
  id: string;
  tenantId: string;
  publicKey: string;
  allowedOrigins: string[];
  enforceIdentity: boolean;
  tenantActive: boolean;
  tenantName: string;
  branding: Branding;
  locale: string;
  conversationSettings: ConversationSettingsView;
}

interface LookupRow {
  id: string;
  tenant_id: string;
  allowed_origins: string[];
  settings: { enforceIdentity?: boolean } | null;
  tenant_status: string;
  tenant_name: string;
  branding: Branding | null;
  locale: string;
  conversation_settings: unknown;
}

const defaultColor = '#2563eb';

/**
 * Webchat channels by public key, for code that runs before anyone signs in (the widget's
 * config and socket handshake). Lookups go through `channel_by_public_key`, which reveals one
 * channel and nothing else, and are cached briefly: a storefront page view costs no query.
 */
export class WebchatChannels {
  private readonly cache = new Map<string, { at: number; channel: Promise<WebchatChannel | undefined> }>();

  constructor(private readonly orm: Orm, private readonly keys: Pick<DerivedKeys, 'webchatIdentityKey'>, private readonly ttlMs = 30_000) {}

  byKey(publicKey: string): Promise<WebchatChannel | undefined> {
    const hit = this.cache.get(publicKey);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.channel;
    const channel = this.load(publicKey);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(publicKey, { at: Date.now(), channel });
    channel.catch(() => this.cache.delete(publicKey));
    return channel;
  }

  /** Drops a cached channel after an admin changed it, so this hub applies the change at once. */
  forget(publicKey: string | null | undefined): void {
    if (publicKey) this.cache.delete(publicKey);
  }

  identitySecret(channelId: string): string {
    return webchatIdentitySecret(this.keys, channelId);
  }

  verifyIdentity(channel: WebchatChannel, identifier: string, identityHash: string): boolean {
    return verifyWebchatIdentity(this.keys, channel.id, identifier, identityHash);
  }

  /** The stored settings over the defaults, each field validated on its own. */
  settingsView(stored: unknown): ConversationSettingsView {
    const partial = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
    const merged: Record<string, unknown> = { ...defaultConversationSettingsView };
    for (const key of Object.keys(defaultConversationSettingsView) as Array<keyof ConversationSettingsView>) {
      if (key in partial && checkSchema(ConversationSettingsView.properties[key], partial[key]).ok) merged[key] = partial[key];
    }
    return merged as ConversationSettingsView;
  }

  widgetConfig(channel: WebchatChannel): WidgetConfig {
    return {
      tenantName: channel.tenantName,
      primaryColor: channel.branding.primaryColor ?? defaultColor,
      welcomeMessage: channel.conversationSettings.greeting,
      available: channel.tenantActive,
      locale: channel.locale,
    };
  }

  private async load(publicKey: string): Promise<WebchatChannel | undefined> {
    const [row] = await this.orm.em.fork().execute<LookupRow[]>('select * from channel_by_public_key(?)', [publicKey]);
    if (!row) return undefined;
    return {
      id: row.id,
      tenantId: row.tenant_id,
      publicKey,
      allowedOrigins: row.allowed_origins,
      enforceIdentity: row.settings?.enforceIdentity === true,
      tenantActive: row.tenant_status === 'active',
      tenantName: row.tenant_name,
      branding: row.branding ?? {},
      locale: row.locale,
      conversationSettings: this.settingsView(row.conversation_settings),
    };
  }
}
