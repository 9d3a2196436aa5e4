import { Component, computed, input } from '@angular/core';
import type { ChannelType } from '@switchboard/contracts';
import { channelLabels } from './channel-labels';

/** The channel a conversation runs on, as a small coloured label. */
@Component({
  selector: 'sb-channel-badge',
  host: { '[attr.data-channel]': 'channel()' },
  template: `<span class="sb-badge" [class]="'sb-badge ' + channel()">{{ label() }}</span>`,
  styles: `
    .sb-badge { font-size: 0.7rem; }
    .whatsapp { background: #e7f8ee; color: #0b6b34; }
    .telegram { background: #e6f3fb; color: #075985; }
    .webchat { background: var(--sb-primary-soft); color: var(--sb-primary-strong); }
  `,
})
export class ChannelBadgeComponent {
  readonly channel = input.required<ChannelType>();

  protected readonly label = computed(() => channelLabels[this.channel()]);
}
