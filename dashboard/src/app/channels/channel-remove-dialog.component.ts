import { Component, inject, input, output, signal, viewChild } from '@angular/core';
import type { ChannelRemoved, ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ChannelsApi } from './channels.api';
import { ModalDialogComponent } from './modal-dialog.component';

/**
 * Asks before removing a Telegram or WhatsApp channel, saying what it means: customers can no
 * longer reach the workspace through it, and its conversations stay in the inbox, read-only.
 * Removing cannot be undone (the bot or number can be added again, as a new channel). What the
 * hub could not do (unlink a phone no node was running) is shown before the dialog closes.
 */
@Component({
  selector: 'sb-channel-remove-dialog',
  imports: [FormAlertComponent, ModalDialogComponent],
  template: `
    <sb-modal-dialog [heading]="'Remove ' + channel().name + '?'" headingId="channel-remove-heading" (closed)="finish()">
      <div class="sb-form" data-testid="channel-remove-dialog">
        @if (done(); as result) {
          <p>The channel is removed.</p>
          @for (warning of result.warnings; track $index) {
            <p class="sb-notice" data-testid="channel-remove-warning">{{ warning }}</p>
          }
          <div class="sb-actions">
            <button class="sb-button" type="button" (click)="dialog().close()" data-testid="channel-remove-done">Done</button>
          </div>
        } @else {
          @if (channel().type === 'whatsapp') {
            <p>
              Customers will no longer reach you through {{ channel().account ?? channel().name }} here: the session is logged out,
              which unlinks this phone from Switchboard, and its saved login is deleted. Its conversations and messages stay in the
              inbox, read-only.
            </p>
            <p class="sb-hint">You can link the number again later; it will be a new channel with a new QR code.</p>
          } @else {
            <p>
              Customers will no longer reach you through {{ channel().account ?? channel().name }}: the bot stops answering and
              Telegram stops sending its messages here. Its conversations and messages stay in the inbox, read-only.
            </p>
            <p class="sb-hint">You can add the bot again later; it will be a new channel.</p>
          }
          <sb-form-alert [error]="failure()" />
          <div class="sb-actions">
            <button class="sb-button danger" type="button" [disabled]="busy()" (click)="removeChannel()" data-testid="channel-remove-confirm">
              {{ busy() ? 'Removing…' : 'Remove the channel' }}
            </button>
            <button class="sb-button secondary" type="button" (click)="dialog().close()" data-testid="channel-remove-cancel">Keep it</button>
          </div>
        }
      </div>
    </sb-modal-dialog>
  `,
  styles: `
    p { margin: 0; }
  `,
})
export class ChannelRemoveDialogComponent {
  private readonly api = inject(ChannelsApi);

  readonly channel = input.required<ChannelView>();
  readonly removed = output<ChannelRemoved>();
  readonly closed = output<void>();

  protected readonly dialog = viewChild.required(ModalDialogComponent);
  protected readonly busy = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  /** The removal, once done, while its warnings are on screen. */
  protected readonly done = signal<ChannelRemoved | null>(null);

  protected async removeChannel(): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      const removed = await this.api.remove(this.channel().id);
      this.done.set(removed);
      if (removed.warnings.length === 0) this.dialog().close();
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** Closing tells the card: the list drops a removed channel only now, so its warnings could be read. */
  protected finish(): void {
    const removed = this.done();
    if (removed) this.removed.emit(removed);
    this.closed.emit();
  }
}
