import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-inbox',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Inbox"
      icon="inbox"
      summary="Live conversations from every channel, and the queue of customers waiting for a person."
      arrivesWith="the conversation and live-update features"
      [planned]="planned"
    />
  `,
})
export class InboxComponent {
  protected readonly planned = [
    'Conversations from WhatsApp, Telegram and the storefront chat widget, streamed in as they happen',
    'A queue of chats handed off by the bot, by a keyword or by a customer asking for a person',
    'Claiming a chat (exactly one agent wins the claim), replying, and giving the chat back to the bot',
    'Private notes for colleagues that never reach the customer',
    'Filters by channel, status and assignee',
  ] as const;
}
