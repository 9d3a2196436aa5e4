import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ChannelPeerList, ChannelView, CreateWhatsAppChannelRequest, WhatsAppSettings } from '@switchboard/contracts';
import { apiCall } from '../../api/api-call';

/** What a session command is: start a stopped session, stop it, or log the number out. */
export type WhatsappSessionCommand = 'start' | 'stop' | 'logout';

/**
 * WhatsApp channels over REST: adding one, its session's commands, who its bot answers and the
 * groups its running session lists. Bodies and answers are the contracts' types.
 */
@Injectable({ providedIn: 'root' })
export class WhatsappApi {
  private readonly http = inject(HttpClient);

  /** Adds a WhatsApp channel; its session starts and reports `channel.qr` until scanned. */
  create(name: string): Promise<ChannelView> {
    const body: CreateWhatsAppChannelRequest = { type: 'whatsapp', name };
    return apiCall(this.http.post<ChannelView>('/api/v1/channels', body));
  }

  command(channelId: string, command: WhatsappSessionCommand): Promise<unknown> {
    return apiCall(this.http.post<unknown>(`/api/v1/channels/${channelId}/${command}`, {}));
  }

  /** Who gets bot replies and the groups the bot answers in, as stored. */
  settings(channelId: string): Promise<WhatsAppSettings> {
    return apiCall(this.http.get<WhatsAppSettings>(`/api/v1/channels/${channelId}/whatsapp-settings`));
  }

  /** Replaces both lists; a refused entry is a 400 with an issue at `body/whitelist/<n>`. */
  saveSettings(channelId: string, body: WhatsAppSettings): Promise<WhatsAppSettings> {
    return apiCall(this.http.put<WhatsAppSettings>(`/api/v1/channels/${channelId}/whatsapp-settings`, body));
  }

  /** The account's groups from its running session; a 409 `SB_ERR_CONFLICT` while it is not running. */
  groups(channelId: string): Promise<ChannelPeerList> {
    return apiCall(this.http.get<ChannelPeerList>(`/api/v1/channels/${channelId}/groups`));
  }
}
