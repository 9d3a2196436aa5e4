import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ChannelView } from '@switchboard/contracts';
import { apiCall } from '../../api/api-call';

/** What a session command is: start a stopped session, stop it, or log the number out. */
export type WhatsappSessionCommand = 'start' | 'stop' | 'logout';

/**
 * WhatsApp sessions over REST, written against the endpoints planned for the WhatsApp
 * connector (built on another branch): the contracts have no request type for them yet, so
 * the body is spelt here. Adjust this file, and only it, when that branch lands.
 */
@Injectable({ providedIn: 'root' })
export class WhatsappApi {
  private readonly http = inject(HttpClient);

  /** Adds a WhatsApp channel; its session starts and reports `channel.qr` until scanned. */
  create(name: string): Promise<ChannelView> {
    return apiCall(this.http.post<ChannelView>('/api/v1/channels', { type: 'whatsapp', name }));
  }

  command(channelId: string, command: WhatsappSessionCommand): Promise<unknown> {
    return apiCall(this.http.post<unknown>(`/api/v1/channels/${channelId}/${command}`, {}));
  }
}
