import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ChannelList, ChannelView, CreateTelegramChannelRequest, UpdateWebchatChannelRequest } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** The workspace's channels (`/api/v1/channels`); changes need `channel.manage`. */
@Injectable({ providedIn: 'root' })
export class ChannelsApi {
  private readonly http = inject(HttpClient);

  list(): Promise<ChannelList> {
    return apiCall(this.http.get<ChannelList>('/api/v1/channels'));
  }

  /** Adds a Telegram bot; a token Telegram refuses is a 422 naming `token`. */
  createTelegram(body: CreateTelegramChannelRequest): Promise<ChannelView> {
    return apiCall(this.http.post<ChannelView>('/api/v1/channels', body));
  }

  updateWebchat(id: string, body: UpdateWebchatChannelRequest): Promise<ChannelView> {
    return apiCall(this.http.patch<ChannelView>(`/api/v1/channels/${id}`, body));
  }

  identitySecret(id: string): Promise<{ identitySecret: string }> {
    return apiCall(this.http.get<{ identitySecret: string }>(`/api/v1/channels/${id}/identity-secret`));
  }
}
