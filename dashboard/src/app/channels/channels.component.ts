import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-channels',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Channels"
      icon="channels"
      summary="The places your customers reach you, and whether each one is connected."
      arrivesWith="the channel connectors"
      [planned]="planned"
    />
  `,
})
export class ChannelsComponent {
  protected readonly planned = [
    'Connecting a WhatsApp number by scanning its QR code',
    'Connecting a Telegram bot with its token',
    'The storefront chat widget and the snippet that adds it to your site',
    'The live status of every channel session: connected, reconnecting or failed',
    'Allowlists and group rules that decide which chats the bot answers',
  ] as const;
}
