import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AddNoteRequest,
  ChannelType,
  ConversationCommandResult,
  ConversationPage,
  ConversationView,
  InboxCounts,
  InboxTab,
  MessageCommandResult,
  MessagePage,
  MessageView,
  SendMessageRequest,
  TransferRequest,
  UploadedAttachment,
} from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** The conversation commands without a body; each answers with the conversation as it is now. */
export type ConversationAction = 'claim' | 'release' | 'close' | 'reopen';

/** Conversations, their messages and the agent's commands on them (`/api/v1/conversations`). */
@Injectable({ providedIn: 'root' })
export class InboxApi {
  private readonly http = inject(HttpClient);

  /** One page of a tab, newest activity first; `cursor` continues where the last page ended. */
  conversations(tab: InboxTab, cursor: string | undefined, limit: number, channelType?: ChannelType): Promise<ConversationPage> {
    let params = new HttpParams().set('tab', tab).set('limit', limit);
    if (cursor !== undefined) params = params.set('cursor', cursor);
    if (channelType !== undefined) params = params.set('channelType', channelType);
    return apiCall(this.http.get<ConversationPage>('/api/v1/conversations', { params }));
  }

  counts(): Promise<InboxCounts> {
    return apiCall(this.http.get<InboxCounts>('/api/v1/conversations/counts'));
  }

  conversation(id: string): Promise<ConversationView> {
    return apiCall(this.http.get<ConversationView>(`/api/v1/conversations/${id}`));
  }

  /** Messages oldest first; `before` pages back in time from that message. */
  messages(id: string, before: string | undefined, limit: number): Promise<MessagePage> {
    let params = new HttpParams().set('limit', limit);
    if (before !== undefined) params = params.set('before', before);
    return apiCall(this.http.get<MessagePage>(`/api/v1/conversations/${id}/messages`, { params }));
  }

  async act(id: string, action: ConversationAction): Promise<ConversationView> {
    const result = await apiCall(this.http.post<ConversationCommandResult>(`/api/v1/conversations/${id}/${action}`, null));
    return result.conversation;
  }

  async transfer(id: string, agentId: string): Promise<ConversationView> {
    const body: TransferRequest = { agentId };
    const result = await apiCall(this.http.post<ConversationCommandResult>(`/api/v1/conversations/${id}/transfer`, body));
    return result.conversation;
  }

  /** Sends a reply; retrying with the same `clientId` never sends it twice. */
  async sendMessage(id: string, body: SendMessageRequest): Promise<MessageView> {
    const result = await apiCall(this.http.post<MessageCommandResult>(`/api/v1/conversations/${id}/messages`, body));
    return result.message;
  }

  /** Keeps a file to send in this conversation; the answer's `mediaId` goes in the message. */
  uploadAttachment(id: string, file: File): Promise<UploadedAttachment> {
    const form = new FormData();
    form.append('file', file, file.name);
    return apiCall(this.http.post<UploadedAttachment>(`/api/v1/conversations/${id}/attachments`, form));
  }

  async addNote(id: string, body: AddNoteRequest): Promise<MessageView> {
    const result = await apiCall(this.http.post<MessageCommandResult>(`/api/v1/conversations/${id}/notes`, body));
    return result.message;
  }

  markRead(id: string): Promise<unknown> {
    return apiCall(this.http.post<unknown>(`/api/v1/conversations/${id}/read`, null));
  }
}
