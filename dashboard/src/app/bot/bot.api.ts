import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AiAnswer, AiUsageReport, BotAiSettingsUpdate, BotAiSettingsView, BotPreviewRequest, ConversationSettingsView } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/**
 * The bot's settings (`/api/v1/bot/*`, `bot.manage`) and the conversation settings it shares
 * the page with (`/api/v1/conversation-settings`).
 */
@Injectable({ providedIn: 'root' })
export class BotApi {
  private readonly http = inject(HttpClient);

  aiSettings(): Promise<BotAiSettingsView> {
    return apiCall(this.http.get<BotAiSettingsView>('/api/v1/bot/ai-settings'));
  }

  updateAiSettings(body: BotAiSettingsUpdate): Promise<BotAiSettingsView> {
    return apiCall(this.http.put<BotAiSettingsView>('/api/v1/bot/ai-settings', body));
  }

  conversationSettings(): Promise<ConversationSettingsView> {
    return apiCall(this.http.get<ConversationSettingsView>('/api/v1/conversation-settings'));
  }

  updateConversationSettings(body: ConversationSettingsView): Promise<ConversationSettingsView> {
    return apiCall(this.http.put<ConversationSettingsView>('/api/v1/conversation-settings', body));
  }

  /** Asks the bot as it is saved now; nothing is stored and no customer sees it. */
  preview(body: BotPreviewRequest): Promise<AiAnswer> {
    return apiCall(this.http.post<AiAnswer>('/api/v1/bot/preview', body));
  }

  usage(days: number): Promise<AiUsageReport> {
    return apiCall(this.http.get<AiUsageReport>('/api/v1/bot/usage', { params: { days } }));
  }
}
