import { Component, input, output, signal } from '@angular/core';
import type { ChannelRemoved, ChannelView } from '@switchboard/contracts';
import { TelegramEditDialogComponent } from './telegram-edit-dialog.component';
import { ChannelRemoveDialogComponent } from './channel-remove-dialog.component';

/** Edit and Remove on a Telegram channel's card, each in its own dialog. */
@Component({
  selector: 'sb-telegram-controls',
  imports: [ChannelRemoveDialogComponent, TelegramEditDialogComponent],
  template: `
    <div class="sb-actions" role="group" [attr.aria-label]="'Bot ' + channel().name">
      <button class="sb-button small secondary" type="button" (click)="dialog.set('edit')" data-testid="telegram-edit">Edit</button>
      <button class="sb-button small secondary" type="button" (click)="dialog.set('remove')" data-testid="telegram-remove">Remove</button>
    </div>
    @switch (dialog()) {
      @case ('edit') {
        <sb-telegram-edit-dialog [channel]="channel()" (changed)="changed.emit($event)" (closed)="dialog.set(null)" />
      }
      @case ('remove') {
        <sb-channel-remove-dialog [channel]="channel()" (removed)="removed.emit($event)" (closed)="dialog.set(null)" />
      }
    }
  `,
})
export class TelegramControlsComponent {
  readonly channel = input.required<ChannelView>();
  readonly changed = output<ChannelView>();
  readonly removed = output<ChannelRemoved>();

  protected readonly dialog = signal<'edit' | 'remove' | null>(null);
}
