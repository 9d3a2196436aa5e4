import { Component, computed, inject, input, output, signal } from '@angular/core';
import { email, form, FormField, FormRoot, required } from '@angular/forms/signals';
import type { InvitationView, TenantRole } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { roleLabels, roleSummaries } from '../auth/role-labels';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { TeamApi } from './team.api';

/** Invites someone by email with a role; the hub mails them a link to `/invite/:token`. */
@Component({
  selector: 'sb-invite-form',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  template: `
    <form class="sb-form" [formRoot]="inviteForm" aria-labelledby="invite-heading" data-testid="invite-form">
      <div class="fields">
        <div class="sb-field">
          <label for="invite-email">Email</label>
          <input id="invite-email" class="sb-input" type="email" autocomplete="off" spellcheck="false" placeholder="name@example.com" [formField]="inviteForm.email" />
          <sb-field-errors for="invite-email" [field]="inviteForm.email" />
        </div>
        <div class="sb-field">
          <label for="invite-role">Role</label>
          <select id="invite-role" class="sb-input" describedBy="invite-role-hint" [formField]="inviteForm.role">
            @for (role of roles(); track role) {
              <option [value]="role">{{ roleLabels[role] }}</option>
            }
          </select>
          <sb-field-errors for="invite-role" [field]="inviteForm.role" />
        </div>
        <button class="sb-button" type="submit" [disabled]="inviteForm().submitting()" data-testid="invite-submit">
          {{ inviteForm().submitting() ? 'Sending…' : 'Send invitation' }}
        </button>
      </div>
      <p class="sb-hint" id="invite-role-hint">{{ roleSummary() }}</p>
      <sb-form-alert [error]="failure()" />
      @if (sentTo(); as address) {
        <p class="sb-success" role="status" data-testid="invite-sent">Invitation sent to {{ address }}. The link works for a limited time.</p>
      }
    </form>
  `,
  styles: `
    .fields { display: grid; grid-template-columns: minmax(200px, 2fr) minmax(140px, 1fr) auto; align-items: start; gap: 12px; }
    .fields > .sb-button { margin-top: 27px; }
    @media (max-width: 640px) { .fields { grid-template-columns: 1fr; } .fields > .sb-button { margin-top: 0; } }
  `,
})
export class InviteFormComponent {
  private readonly teamApi = inject(TeamApi);

  /** The roles this person may hand out, least powerful first. */
  readonly roles = input.required<readonly TenantRole[]>();
  readonly invited = output<InvitationView>();

  protected readonly roleLabels = roleLabels;
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly sentTo = signal<string | null>(null);

  private readonly model = signal<{ email: string; role: TenantRole }>({ email: '', role: 'agent' });

  protected readonly roleSummary = computed(() => roleSummaries[this.model().role]);

  protected readonly inviteForm = form(
    this.model,
    (path) => {
      required(path.email, { message: 'Enter the email address to invite.' });
      email(path.email, { message: 'Enter an email address such as ana@example.com.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          this.sentTo.set(null);
          const { email: address, role } = fields().value();
          try {
            const invitation = await this.teamApi.invite(address.trim(), role);
            this.sentTo.set(invitation.email);
            this.inviteForm().reset({ email: '', role });
            this.invited.emit(invitation);
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { email: fields.email, role: fields.role });
          }
        },
      },
    },
  );
}
