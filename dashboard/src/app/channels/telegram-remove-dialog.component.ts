import { Component, inject, input, output, signal, viewChild } from '@angular/core';
import type { ChannelRemoved, ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ChannelsApi } from './channels.api';
import { ModalDialogComponent } from './modal-dialog.component';

/**
 * Asks before removing a Telegram channel, saying what it means: customers can no longer reach
 * the workspace through the bot, and its conversations stay in the inbox. Removing cannot be
 * undone (the bot can be added again, as a new channel).
 */
@Component({
  selector: 'sb-telegram-remove-dialog',
  imports: [FormAlertComponent, ModalDialogComponent],
  template: `
    <sb-modal-dialog [heading]="'Remove ' + channel().name + '?'" headingId="telegram-remove-heading" (closed)="closed.emit()">
      <div class="sb-form" data-testid="telegram-remove-dialog">
        <p>
          Customers will no longer reach you through {{ channel().account ?? channel().name }}: the bot stops answering and
          Telegram stops sending its messages here. Its conversations and messages stay in the inbox.
        </p>
        <p class="sb-hint">You can add the bot again later; it will be a new channel.</p>
        <sb-form-alert [error]="failure()" />
        <div class="sb-actions">
          <button class="sb-button danger" type="button" [disabled]="busy()" (click)="removeChannel()" data-testid="telegram-remove-confirm">
            {{ busy() ? 'Removing…' : 'Remove the channel' }}
          </button>
          <button class="sb-button secondary" type="button" (click)="dialog().close()" data-testid="telegram-remove-cancel">Keep it</button>
        </div>
      </div>
    </sb-modal-dialog>
  `,
  styles: `
    p { margin: 0; }
  `,
})
export class TelegramRemoveDialogComponent {
  private readonly api = inject(ChannelsApi);

  readonly channel = input.required<ChannelView>();
  readonly removed = output<ChannelRemoved>();
  readonly closed = output<void>();

  protected readonly dialog = viewChild.required(ModalDialogComponent);
  protected readonly busy = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  protected async removeChannel(): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      this.removed.emit(await this.api.remove(this.channel().id));
      this.dialog().close();
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }
}
