import { Component, computed, inject, input, output, resource, signal } from '@angular/core';
import { form, FormField, FormRoot, pattern, required } from '@angular/forms/signals';
import type { TenantSummary } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { AuditApi } from '../audit/audit.api';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { PlatformApi } from './platform.api';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Starts acting as one person of a tenant for a limited time. The contracts have no platform
 * endpoint that lists a tenant's members, so the people offered are those who appear in the
 * tenant's recent audit log (everyone who signed up or accepted an invitation does); anyone else
 * can be chosen by user id. On success the console reloads as that person.
 */
@Component({
  selector: 'sb-impersonate-form',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, AutofocusDirective],
  template: `
    <form class="sb-form" [formRoot]="impersonateForm" [attr.aria-label]="'Act as a person in ' + tenant().tenant.name" data-testid="impersonate-form">
      <div class="fields">
        <div class="sb-field">
          <label [for]="idPrefix() + '-user'">Person</label>
          <select [id]="idPrefix() + '-user'" class="sb-input" sbAutofocus [formField]="impersonateForm.userId">
            <option value="">Choose…</option>
            @for (person of people(); track person.id) {
              <option [value]="person.id">{{ person.email }}</option>
            }
          </select>
          <sb-field-errors [for]="idPrefix() + '-user'" [field]="impersonateForm.userId" />
          @if (people().length === 0 && !candidates.isLoading()) {
            <p class="sb-hint">Nobody found in this workspace's recent audit log: enter a user id below.</p>
          }
        </div>
        <div class="sb-field">
          <label [for]="idPrefix() + '-minutes'">For</label>
          <select [id]="idPrefix() + '-minutes'" class="sb-input" [formField]="impersonateForm.minutes">
            <option value="15">15 minutes</option>
            <option value="30">30 minutes</option>
            <option value="60">60 minutes</option>
          </select>
        </div>
      </div>
      <details>
        <summary>Someone else? Enter their user id</summary>
        <div class="sb-field manual">
          <label [for]="idPrefix() + '-manual'">User id</label>
          <input [id]="idPrefix() + '-manual'" class="sb-input sb-mono" type="text" spellcheck="false" [formField]="impersonateForm.manualUserId" />
          <sb-field-errors [for]="idPrefix() + '-manual'" [field]="impersonateForm.manualUserId" />
        </div>
      </details>
      <p class="sb-hint">Everything you do meanwhile is recorded in the audit log under both your names.</p>
      <sb-form-alert [error]="failure()" />
      <div class="sb-actions">
        <button class="sb-button" type="submit" [disabled]="impersonateForm().submitting()" data-testid="impersonate-start">
          {{ impersonateForm().submitting() ? 'Starting…' : 'Start acting as this person' }}
        </button>
        <button class="sb-button secondary" type="button" (click)="cancelled.emit()">Cancel</button>
      </div>
    </form>
  `,
  styles: `
    .fields { max-width: 640px; display: grid; grid-template-columns: minmax(220px, 2fr) minmax(140px, 1fr); gap: 12px; }
    .manual { max-width: 420px; margin-top: 8px; }
    summary { color: var(--sb-primary); font-size: 0.9rem; cursor: pointer; }
  `,
})
export class ImpersonateFormComponent {
  private readonly platformApi = inject(PlatformApi);
  private readonly auditApi = inject(AuditApi);

  readonly tenant = input.required<TenantSummary>();
  readonly cancelled = output<void>();

  protected readonly idPrefix = computed(() => `impersonate-${this.tenant().tenant.id}`);
  protected readonly failure = signal<ApiError | null>(null);

  protected readonly candidates = resource({
    params: () => this.tenant().tenant.id,
    loader: ({ params: tenantId }) => this.auditApi.entries({ tenantId }, undefined, 200),
  });
  protected readonly people = computed(() => {
    const seen = new Map<string, string>();
    for (const entry of this.candidates.hasValue() ? this.candidates.value().items : []) {
      if (entry.actorUserId !== undefined && entry.impersonatorUserId === undefined && !seen.has(entry.actorUserId)) {
        seen.set(entry.actorUserId, entry.actorEmail ?? entry.actorUserId);
      }
    }
    return [...seen].map(([id, email]) => ({ id, email })).sort((a, b) => a.email.localeCompare(b.email));
  });

  protected readonly impersonateForm = form(
    signal({ userId: '', manualUserId: '', minutes: '30' }),
    (path) => {
      required(path.userId, { message: 'Choose a person, or enter a user id below.', when: ({ valueOf }) => valueOf(path.manualUserId).trim() === '' });
      pattern(path.manualUserId, /^\s*([0-9a-fA-F-]{36})?\s*$/, { message: 'A user id looks like 3f2b…-…, 36 characters.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const { userId, manualUserId, minutes } = fields().value();
          const chosen = manualUserId.trim() || userId;
          if (!uuidPattern.test(chosen)) return [{ kind: 'pattern', message: 'A user id looks like 3f2b…-…, 36 characters.', fieldTree: fields.manualUserId }];
          try {
            await this.platformApi.impersonate(this.tenant().tenant.id, chosen, Number(minutes));
            // A full reload: the console starts over as the impersonated person, banner and all.
            window.location.assign('/');
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { userId: manualUserId.trim() ? fields.manualUserId : fields.userId });
          }
        },
      },
    },
  );
}
