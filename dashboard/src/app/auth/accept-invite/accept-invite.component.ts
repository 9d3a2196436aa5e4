import { Component, computed, inject, input, resource, signal } from '@angular/core';
import { form, FormField, FormRoot, maxLength, minLength, required } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { ApiError } from '../../api/api-error';
import type { AcceptInvitationRequest } from '@switchboard/contracts';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';
import { roleLabels } from '../role-labels';
import { passwordMaxLength, passwordMinLength, passwordPolicy } from '../password-policy';
import { SessionService } from '../session.service';

/**
 * The page behind an invitation mail's link (`/invite/:token`). It shows the workspace and role
 * from the invitation; someone new sets a name and password, someone with an account accepts
 * while signed in as the invited address.
 */
@Component({
  selector: 'sb-accept-invite',
  imports: [AuthPageComponent, FormField, FormRoot, RouterLink, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  templateUrl: './accept-invite.component.html',
  styles: `
    .invitation { display: grid; gap: 4px; padding: 14px 16px; border-radius: var(--sb-radius); background: var(--sb-primary-soft); }
    .invitation > strong { font-size: 1.05rem; }
  `,
})
export class AcceptInviteComponent {
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);
  protected readonly session = inject(SessionService);

  /** From the route, `/invite/:token`. */
  readonly token = input.required<string>();

  protected readonly passwordPolicy = passwordPolicy;
  protected readonly roleLabels = roleLabels;
  protected readonly preview = resource({ params: () => this.token(), loader: ({ params: token }) => this.authApi.invitation(token) });
  protected readonly previewFailure = computed(() => {
    const error = this.preview.error();
    return error === undefined ? null : ApiError.from(error);
  });

  /** Signed in, but as someone other than the invited address. */
  protected readonly signedInAsSomeoneElse = computed(() => {
    const invited = this.preview.hasValue() ? this.preview.value().email : null;
    const me = this.session.me();
    return invited !== null && me !== null && me.user.email.toLowerCase() !== invited.toLowerCase();
  });

  protected readonly failure = signal<ApiError | null>(null);
  protected readonly accepting = signal(false);

  protected readonly newMemberForm = form(
    signal({ name: '', password: '' }),
    (path) => {
      required(path.name, { message: 'Enter your name.' });
      maxLength(path.name, 120, { message: 'Use at most 120 characters.' });
      required(path.password, { message: 'Choose a password.' });
      minLength(path.password, passwordMinLength, { message: `Use at least ${passwordMinLength} characters.` });
      maxLength(path.password, passwordMaxLength, { message: `Use at most ${passwordMaxLength} characters.` });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          const { name, password } = fields().value();
          const error = await this.accept({ token: this.token(), name: name.trim(), password });
          if (error === null) return undefined;
          if (error.code === 'SB_ERR_WEAK_PASSWORD') return [{ kind: 'server', message: error.message, fieldTree: fields.password }];
          return fieldErrorsOf(error, { name: fields.name, password: fields.password });
        },
      },
    },
  );

  protected async acceptAsMember(): Promise<void> {
    this.accepting.set(true);
    await this.accept({ token: this.token() });
    this.accepting.set(false);
  }

  protected signOut(): Promise<void> {
    return this.session.signOut();
  }

  /** Accepts and continues in the joined workspace; returns the refusal, if any. */
  private async accept(request: AcceptInvitationRequest): Promise<ApiError | null> {
    this.failure.set(null);
    try {
      const { me } = await this.authApi.acceptInvitation(request);
      this.session.signedIn(me);
    } catch (error) {
      const apiError = ApiError.from(error);
      this.failure.set(apiError);
      return apiError;
    }
    await this.router.navigateByUrl(this.session.homePath());
    return null;
  }
}
