import { Component, inject, output, signal, viewChild } from '@angular/core';
import { form, FormField, FormRoot, maxLength, pattern, required } from '@angular/forms/signals';
import type { ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ChannelsApi } from './channels.api';
import { ModalDialogComponent } from './modal-dialog.component';

interface TelegramModel {
  name: string;
  token: string;
  mode: 'webhook' | 'polling';
  allowGroups: boolean;
}

/**
 * Adds a Telegram bot: its token from @BotFather, how it receives updates, and whether group
 * chats count. The hub checks the token with Telegram first; a refusal shows on the token field.
 */
@Component({
  selector: 'sb-telegram-dialog',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, ModalDialogComponent],
  template: `
    <sb-modal-dialog heading="Add a Telegram bot" headingId="telegram-dialog-heading" (closed)="closed.emit()">
      <form class="sb-form" [formRoot]="telegramForm" aria-labelledby="telegram-dialog-heading" data-testid="telegram-form">
        <div class="sb-field">
          <label for="telegram-name">Name</label>
          <input id="telegram-name" class="sb-input" autofocus autocomplete="off" placeholder="Shop bot" [formField]="telegramForm.name" data-testid="telegram-name" />
          <sb-field-errors for="telegram-name" [field]="telegramForm.name" />
        </div>
        <div class="sb-field">
          <label for="telegram-token">Bot token</label>
          <input id="telegram-token" class="sb-input sb-mono" type="password" autocomplete="off" spellcheck="false" placeholder="123456789:AA…" describedBy="telegram-token-hint" [formField]="telegramForm.token" data-testid="telegram-token" />
          <p class="sb-hint" id="telegram-token-hint">From &#64;BotFather. Checked with Telegram, stored encrypted and never shown again.</p>
          <sb-field-errors for="telegram-token" [field]="telegramForm.token" />
        </div>
        <fieldset class="modes">
          <legend class="sb-label">How the bot receives messages</legend>
          <label class="sb-check">
            <input type="radio" value="webhook" [formField]="telegramForm.mode" data-testid="telegram-mode-webhook" />
            <span>Webhook<br /><span class="sb-hint">Telegram calls Switchboard. Needs a public address (PUBLIC_URL).</span></span>
          </label>
          <label class="sb-check">
            <input type="radio" value="polling" [formField]="telegramForm.mode" data-testid="telegram-mode-polling" />
            <span>Polling<br /><span class="sb-hint">Switchboard asks Telegram. Works behind a firewall.</span></span>
          </label>
        </fieldset>
        <label class="sb-check">
          <input type="checkbox" [formField]="telegramForm.allowGroups" data-testid="telegram-allow-groups" />
          <span>Answer in group chats the bot is added to</span>
        </label>
        <sb-form-alert [error]="failure()" />
        <div class="sb-actions">
          <button class="sb-button" type="submit" [disabled]="telegramForm().submitting()" data-testid="telegram-submit">
            {{ telegramForm().submitting() ? 'Checking the token…' : 'Add the bot' }}
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
export class TelegramDialogComponent {
  private readonly api = inject(ChannelsApi);

  readonly created = output<ChannelView>();
  readonly closed = output<void>();

  protected readonly dialog = viewChild.required(ModalDialogComponent);
  protected readonly failure = signal<ApiError | null>(null);
  private readonly model = signal<TelegramModel>({ name: '', token: '', mode: 'polling', allowGroups: false });

  protected readonly telegramForm = form(
    this.model,
    (path) => {
      required(path.name, { message: 'Name the bot as your team will see it.' });
      maxLength(path.name, 100, { message: 'Keep the name to 100 characters.' });
      required(path.token, { message: 'Paste the token @BotFather gave you.' });
      pattern(path.token, /^\s*[0-9]{1,20}:[A-Za-z0-9_-]{1,200}\s*$/, { message: 'A token looks like 123456789:AAE… (the bot id, a colon, then the secret).' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const value = fields().value();
          try {
            const channel = await this.api.createTelegram({ type: 'telegram', name: value.name.trim(), token: value.token.trim(), mode: value.mode, allowGroups: value.allowGroups });
            this.created.emit(channel);
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
