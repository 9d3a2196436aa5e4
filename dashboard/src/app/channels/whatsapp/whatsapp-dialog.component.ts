import { Component, computed, inject, output, signal, viewChild } from '@angular/core';
import { form, FormField, FormRoot, maxLength, required } from '@angular/forms/signals';
import type { ChannelView } from '@switchboard/contracts';
import { ApiError } from '../../api/api-error';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { ChannelsStore } from '../channels.store';
import { ModalDialogComponent } from '../modal-dialog.component';
import { WhatsappApi } from './whatsapp.api';
import { WhatsappQrComponent } from './whatsapp-qr.component';

/**
 * Adds a WhatsApp number: names the channel, creates it, then shows the session's QR code live
 * (redrawn as it rotates) until the phone links it, and then the number it is connected as.
 */
@Component({
  selector: 'sb-whatsapp-dialog',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, ModalDialogComponent, WhatsappQrComponent],
  template: `
    <sb-modal-dialog heading="Add a WhatsApp number" headingId="whatsapp-dialog-heading" (closed)="closed.emit()">
      @if (channelId(); as id) {
        <div class="pairing" data-testid="whatsapp-pairing" [attr.data-state]="state()">
          @switch (state()) {
            @case ('ready') {
              <p class="sb-success" role="status" data-testid="whatsapp-connected">Connected as <strong>{{ account() ?? 'your number' }}</strong>. Messages to it now arrive in the inbox.</p>
              <div class="sb-actions"><button class="sb-button" type="button" (click)="dialog().close()">Done</button></div>
            }
            @case ('failed') {
              <p class="sb-alert" role="alert">The session failed{{ reason() ? ': ' + reason() : '.' }} Start it again from the channel list.</p>
            }
            @case ('authenticated') {
              <p class="sb-muted" role="status">Linked. Loading your chats…</p>
            }
            @default {
              @if (qr(); as qr) {
                <ol class="steps">
                  <li>Open WhatsApp on the phone of the number to connect.</li>
                  <li>Tap <strong>Settings</strong>, then <strong>Linked devices</strong>, then <strong>Link a device</strong>.</li>
                  <li>Point the phone at this code. It refreshes by itself about every 20 seconds.</li>
                </ol>
                <sb-whatsapp-qr [qr]="qr.qr" />
              } @else {
                <p class="sb-muted" role="status">Starting the WhatsApp session; the QR code appears here in a moment…</p>
              }
              @if (reason(); as reason) {
                <p class="sb-notice">{{ reason }}</p>
              }
            }
          }
        </div>
      } @else {
        <form class="sb-form" [formRoot]="nameForm" aria-labelledby="whatsapp-dialog-heading" data-testid="whatsapp-form">
          <div class="sb-field">
            <label for="whatsapp-name">Name</label>
            <input id="whatsapp-name" class="sb-input" autofocus autocomplete="off" placeholder="Sales line" describedBy="whatsapp-name-hint" [formField]="nameForm.name" data-testid="whatsapp-name" />
            <p class="sb-hint" id="whatsapp-name-hint">How your team will see this number. You link the phone in the next step.</p>
            <sb-field-errors for="whatsapp-name" [field]="nameForm.name" />
          </div>
          <sb-form-alert [error]="failure()" />
          <div class="sb-actions">
            <button class="sb-button" type="submit" [disabled]="nameForm().submitting()" data-testid="whatsapp-submit">
              {{ nameForm().submitting() ? 'Creating…' : 'Continue' }}
            </button>
            <button class="sb-button secondary" type="button" (click)="dialog().close()">Cancel</button>
          </div>
        </form>
      }
    </sb-modal-dialog>
  `,
  styles: `
    .pairing { display: grid; justify-items: center; gap: 16px; }
    .steps { margin: 0; padding-left: 20px; justify-self: stretch; line-height: 1.6; }
  `,
})
export class WhatsappDialogComponent {
  private readonly api = inject(WhatsappApi);
  private readonly store = inject(ChannelsStore);

  readonly created = output<ChannelView>();
  readonly closed = output<void>();

  protected readonly dialog = viewChild.required(ModalDialogComponent);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly channelId = signal<string | null>(null);

  private readonly status = computed(() => {
    const id = this.channelId();
    return id === null ? undefined : this.store.status(id);
  });
  protected readonly state = computed(() => this.status()?.state ?? 'starting');
  protected readonly reason = computed(() => this.status()?.reason);
  protected readonly account = computed(() => this.status()?.account);
  protected readonly qr = computed(() => {
    const id = this.channelId();
    return id === null ? undefined : this.store.qr(id);
  });

  private readonly model = signal({ name: '' });
  protected readonly nameForm = form(
    this.model,
    (path) => {
      required(path.name, { message: 'Name the number as your team will see it.' });
      maxLength(path.name, 100, { message: 'Keep the name to 100 characters.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          try {
            const channel = await this.api.create(fields.name().value().trim());
            this.channelId.set(channel.id);
            this.created.emit(channel);
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { name: fields.name });
          }
        },
      },
    },
  );
}
