import { Component, inject, input, linkedSignal, output, signal } from '@angular/core';
import { form, FormField, FormRoot, maxLength, pattern, required } from '@angular/forms/signals';
import type { CannedResponseRequest, CannedResponseView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { CannedResponsesApi } from './canned-responses.api';

const empty: CannedResponseRequest = { shortcut: '', text: '' };

/** Adds a canned response, or edits `editing` when given. */
@Component({
  selector: 'sb-canned-response-form',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  template: `
    @let prefix = editing()?.id ?? 'new';
    <form class="sb-form" [formRoot]="responseForm" [attr.aria-label]="editing() ? 'Edit canned response' : 'Add a canned response'" data-testid="canned-form">
      <div class="sb-field shortcut">
        <label [for]="prefix + '-shortcut'">Shortcut</label>
        <input [id]="prefix + '-shortcut'" class="sb-input" autocomplete="off" spellcheck="false" placeholder="refund" [describedBy]="prefix + '-shortcut-hint'" [formField]="responseForm.shortcut" data-testid="canned-shortcut" />
        <p class="sb-hint" [id]="prefix + '-shortcut-hint'">Agents type /{{ responseForm.shortcut().value() || 'shortcut' }} in the reply box. Lower-case letters, digits, - and _.</p>
        <sb-field-errors [for]="prefix + '-shortcut'" [field]="responseForm.shortcut" />
      </div>
      <div class="sb-field">
        <label [for]="prefix + '-text'">Text</label>
        <textarea [id]="prefix + '-text'" class="sb-input" rows="3" [formField]="responseForm.text" data-testid="canned-text"></textarea>
        <sb-field-errors [for]="prefix + '-text'" [field]="responseForm.text" />
      </div>
      <sb-form-alert [error]="failure()" />
      <div class="sb-actions">
        <button class="sb-button" type="submit" [disabled]="responseForm().submitting()" data-testid="canned-save">
          {{ responseForm().submitting() ? 'Saving…' : editing() ? 'Save changes' : 'Add response' }}
        </button>
        @if (editing()) {
          <button class="sb-button secondary" type="button" (click)="cancelled.emit()">Cancel</button>
        }
      </div>
    </form>
  `,
  styles: `
    .shortcut { max-width: 320px; }
    textarea { resize: vertical; }
  `,
})
export class CannedResponseFormComponent {
  private readonly api = inject(CannedResponsesApi);

  readonly editing = input<CannedResponseView | null>(null);
  readonly saved = output<CannedResponseView>();
  readonly cancelled = output<void>();

  protected readonly failure = signal<ApiError | null>(null);
  private readonly model = linkedSignal<CannedResponseRequest>(() => {
    const editing = this.editing();
    return editing === null ? { ...empty } : { shortcut: editing.shortcut, text: editing.text };
  });

  protected readonly responseForm = form(
    this.model,
    (path) => {
      required(path.shortcut, { message: 'Enter the shortcut agents type after /.' });
      pattern(path.shortcut, /^[a-z0-9][a-z0-9_-]*$/, { message: 'Use lower-case letters, digits, - and _, starting with a letter or digit.' });
      maxLength(path.shortcut, 40, { message: 'Keep the shortcut to 40 characters.' });
      required(path.text, { message: 'Enter the text to insert.' });
      maxLength(path.text, 4096, { message: 'Keep the text to 4,096 characters.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const body = { shortcut: fields.shortcut().value().trim(), text: fields.text().value().trim() };
          const editing = this.editing();
          try {
            const saved = editing === null ? await this.api.create(body) : await this.api.update(editing.id, body);
            if (editing === null) this.responseForm().reset({ ...empty });
            this.saved.emit(saved);
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { shortcut: fields.shortcut, text: fields.text });
          }
        },
      },
    },
  );
}
