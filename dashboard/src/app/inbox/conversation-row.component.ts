import { Component, computed, inject, input } from '@angular/core';
import type { ConversationView } from '@switchboard/contracts';
import { RelativeTimePipe } from '../ui/relative-time.pipe';
import { AgentDirectoryStore } from './agent-directory.store';
import { ChannelBadgeComponent } from './channel-badge.component';
import { channelLabels } from './channel-labels';

/** One conversation in the inbox list: who, where, the last message, when, unread, and its holder. */
@Component({
  selector: 'sb-conversation-row',
  imports: [RelativeTimePipe, ChannelBadgeComponent],
  template: `
    @let item = conversation();
    <span class="line">
      <span class="name">{{ contactName() }}</span>
      <time class="time" [attr.datetime]="item.lastMessageAt ?? item.updatedAt">{{ item.lastMessageAt ?? item.updatedAt | relativeTime }}</time>
    </span>
    <span class="line">
      <span class="preview">{{ item.lastMessagePreview || 'No messages yet' }}</span>
      @if (item.unreadCount > 0) {
        <span class="unread" data-testid="unread-badge">{{ item.unreadCount > 99 ? '99+' : item.unreadCount }}<span class="sb-visually-hidden"> unread</span></span>
      }
    </span>
    <span class="line meta">
      <sb-channel-badge [channel]="item.channelType" />
      <span class="holder">{{ holder() }}</span>
    </span>
  `,
  styles: `
    :host { display: grid; gap: 2px; min-width: 0; }
    .line { display: flex; align-items: center; gap: 8px; min-width: 0; }
    .name { flex: 1; min-width: 0; overflow: hidden; font-weight: 600; text-overflow: ellipsis; white-space: nowrap; }
    .time, .holder { flex: none; color: var(--sb-text-muted); font-size: 0.78rem; }
    .preview { flex: 1; min-width: 0; overflow: hidden; color: var(--sb-text-muted); font-size: 0.875rem; text-overflow: ellipsis; white-space: nowrap; }
    .unread { flex: none; min-width: 20px; padding: 0 6px; border-radius: 999px; background: var(--sb-primary); color: var(--sb-primary-contrast); font-size: 0.75rem; font-weight: 700; line-height: 20px; text-align: center; }
    .meta { justify-content: space-between; }
  `,
})
export class ConversationRowComponent {
  private readonly directory = inject(AgentDirectoryStore);

  readonly conversation = input.required<ConversationView>();

  protected readonly contactName = computed(() => contactNameOf(this.conversation()));
  protected readonly holder = computed(() => {
    const conversation = this.conversation();
    switch (conversation.status) {
      case 'awaiting_agent':
        return 'Waiting';
      case 'bot':
        return 'Bot';
      case 'closed':
        return 'Closed';
      case 'agent':
        return this.directory.nameOf(conversation.assignedAgentId);
    }
  });
}

/** The customer's name, or which channel they came from when they gave none. */
export function contactNameOf(conversation: ConversationView): string {
  return conversation.contactName?.trim() || `${channelLabels[conversation.channelType]} customer`;
}
