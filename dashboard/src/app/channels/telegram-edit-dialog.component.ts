import { Component, inject, input, linkedSignal, output, signal, viewChild } from '@angular/core';
import { form, FormField, FormRoot, maxLength, pattern, required } from '@angular/forms/signals';
import type { ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ChannelsApi } from './channels.api';
import { ModalDialogComponent } from './modal-dialog.component';
import { telegramChanges, telegramEditModelOf } from './telegram-edit.model';

/**
 * Edits a Telegram bot: its name, group chats, how it receives updates, and its token (left
 * empty, the stored one stays). The hub tells Telegram about a new mode or token before it stores
 * them; a refusal shows on the field it concerns and changes nothing.
 */
@Component({
  selector: 'sb-telegram-edit-dialog',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, ModalDialogComponent],
  template: `
    <sb-modal-dialog [heading]="'Edit ' + channel().name" headingId="telegram-edit-heading" (closed)="closed.emit()">
      <form class="sb-form" [formRoot]="editForm" aria-labelledby="telegram-edit-heading" data-testid="telegram-edit-form">
        <div class="sb-field">
          <label for="telegram-edit-name">Name</label>
          <input id="telegram-edit-name" class="sb-input" autocomplete="off" [formField]="editForm.name" data-testid="telegram-edit-name" />
          <sb-field-errors for="telegram-edit-name" [field]="editForm.name" />
        </div>
        <div class="sb-field">
          <label for="telegram-edit-token">New bot token</label>
          <input id="telegram-edit-token" class="sb-input sb-mono" type="password" autocomplete="off" spellcheck="false" placeholder="Leave empty to keep the current token" describedBy="telegram-edit-token-hint" [formField]="editForm.token" data-testid="telegram-edit-token" />
          <p class="sb-hint" id="telegram-edit-token-hint">From &#64;BotFather, after revoking the old one, or another bot's. Checked with Telegram first.</p>
          <sb-field-errors for="telegram-edit-token" [field]="editForm.token" />
        </div>
        <fieldset class="modes">
          <legend class="sb-label">How the bot receives messages</legend>
          <label class="sb-check">
            <input type="radio" value="webhook" [formField]="editForm.mode" data-testid="telegram-edit-mode-webhook" />
            <span>Webhook<br /><span class="sb-hint">Telegram calls Switchboard. Needs a public address (PUBLIC_URL).</span></span>
          </label>
          <label class="sb-check">
            <input type="radio" value="polling" [formField]="editForm.mode" data-testid="telegram-edit-mode-polling" />
            <span>Polling<br /><span class="sb-hint">Switchboard asks Telegram. Works behind a firewall.</span></span>
          </label>
        </fieldset>
        <label class="sb-check">
          <input type="checkbox" [formField]="editForm.allowGroups" data-testid="telegram-edit-allow-groups" />
          <span>Answer in group chats the bot is added to</span>
        </label>
        <sb-form-alert [error]="failure()" />
        <div class="sb-actions">
          <button class="sb-button" type="submit" [disabled]="editForm().submitting()" data-testid="telegram-edit-submit">
            {{ editForm().submitting() ? 'Saving…' : 'Save' }}
          </button>
          <button class="sb-button secondary" type="button" (click)="dialog().close()">Cancel</button>
        </div>
      </form>
    </sb-modal-dialog>
  `,
  styles: `
    .modes { display: grid; gap: 10px; margin: 0; padding: 0; border: 0; }
    .modes legend { margin-bottom: 8px; }
  `,
})
export class TelegramEditDialogComponent {
  private readonly api = inject(ChannelsApi);

  readonly channel = input.required<ChannelView>();
  readonly changed = output<ChannelView>();
  readonly closed = output<void>();

  protected readonly dialog = viewChild.required(ModalDialogComponent);
  protected readonly failure = signal<ApiError | null>(null);
  /** Starts from the channel as listed; its token is never shown, so that box starts empty. */
  private readonly model = linkedSignal(() => telegramEditModelOf(this.channel()));

  protected readonly editForm = form(
    this.model,
    (path) => {
      required(path.name, { message: 'Name the bot as your team will see it.' });
      maxLength(path.name, 100, { message: 'Keep the name to 100 characters.' });
      pattern(path.token, /^\s*[0-9]{1,20}:[A-Za-z0-9_-]{1,200}\s*$/, { message: 'A token looks like 123456789:AAE… (the bot id, a colon, then the secret).' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const changes = telegramChanges(this.channel(), fields().value());
          if (changes === undefined) {
            this.dialog().close();
            return undefined;
          }
          try {
            this.changed.emit(await this.api.updateTelegram(this.channel().id, changes));
            this.dialog().close();
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { name: fields.name, token: fields.token, mode: fields.mode, allowGroups: fields.allowGroups });
          }
        },
      },
    },
  );
}
