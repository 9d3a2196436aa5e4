import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ChannelList, ChannelRemoved, ChannelView, CreateTelegramChannelRequest, UpdateTelegramChannelRequest, UpdateWebchatChannelRequest } from '@switchboard/contracts';
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

  /** Changes a Telegram bot's name, groups, mode or token; a token Telegram refuses is a 422 naming `token`. */
  updateTelegram(id: string, body: UpdateTelegramChannelRequest): Promise<ChannelView> {
    return apiCall(this.http.patch<ChannelView>(`/api/v1/channels/${id}`, body));
  }

  /** Removes a channel, keeping its conversations; `warnings` says what Telegram could not be told. */
  remove(id: string): Promise<ChannelRemoved> {
    return apiCall(this.http.delete<ChannelRemoved>(`/api/v1/channels/${id}`));
  }

  identitySecret(id: string): Promise<{ identitySecret: string }> {
    return apiCall(this.http.get<{ identitySecret: string }>(`/api/v1/channels/${id}/identity-secret`));
  }
}
