import { Component, inject, input, signal } from '@angular/core';
import { form, FormField, FormRoot, maxLength, minLength, required, validate } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { ApiError } from '../../api/api-error';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';
import { passwordMaxLength, passwordMinLength, passwordPolicy } from '../password-policy';

/** The page behind the reset mail's link (`/reset-password/:token`): choose a new password. */
@Component({
  selector: 'sb-reset-password',
  imports: [AuthPageComponent, FormField, FormRoot, RouterLink, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  template: `
    <sb-auth-page heading="Choose a new password">
      <form class="sb-form" [formRoot]="resetForm" aria-labelledby="auth-heading" data-testid="reset-password-form">
        <div class="sb-field">
          <label for="reset-password">New password</label>
          <p class="sb-hint" id="reset-password-hint">{{ passwordPolicy }}</p>
          <input id="reset-password" class="sb-input" type="password" autocomplete="new-password" describedBy="reset-password-hint" [formField]="resetForm.password" />
          <sb-field-errors for="reset-password" [field]="resetForm.password" />
        </div>
        <div class="sb-field">
          <label for="reset-confirm">Repeat the new password</label>
          <input id="reset-confirm" class="sb-input" type="password" autocomplete="new-password" [formField]="resetForm.confirmation" />
          <sb-field-errors for="reset-confirm" [field]="resetForm.confirmation" />
        </div>
        <sb-form-alert [error]="failure()" />
        @if (failure()?.code === 'SB_ERR_LINK_EXPIRED') {
          <a routerLink="/forgot-password">Ask for a new link</a>
        }
        <button class="sb-button" type="submit" [disabled]="resetForm().submitting()" data-testid="reset-password-submit">
          {{ resetForm().submitting() ? 'Saving…' : 'Save the new password' }}
        </button>
      </form>
      <p authFooter><a routerLink="/login">Back to sign in</a></p>
    </sb-auth-page>
  `,
})
export class ResetPasswordComponent {
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);

  /** From the route, `/reset-password/:token`. */
  readonly token = input.required<string>();

  protected readonly passwordPolicy = passwordPolicy;
  protected readonly failure = signal<ApiError | null>(null);

  protected readonly resetForm = form(
    signal({ password: '', confirmation: '' }),
    (path) => {
      required(path.password, { message: 'Choose a password.' });
      minLength(path.password, passwordMinLength, { message: `Use at least ${passwordMinLength} characters.` });
      maxLength(path.password, passwordMaxLength, { message: `Use at most ${passwordMaxLength} characters.` });
      required(path.confirmation, { message: 'Repeat the password.' });
      validate(path.confirmation, ({ value, valueOf }) =>
        value() !== '' && value() !== valueOf(path.password) ? { kind: 'mismatch', message: 'The two passwords differ.' } : undefined,
      );
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          try {
            await this.authApi.resetPassword(this.token(), fields.password().value());
            await this.router.navigate(['/login'], { queryParams: { notice: 'password-reset' } });
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            if (apiError.code === 'SB_ERR_WEAK_PASSWORD') return [{ kind: 'server', message: apiError.message, fieldTree: fields.password }];
            return fieldErrorsOf(apiError, { password: fields.password });
          }
        },
      },
    },
  );
}
