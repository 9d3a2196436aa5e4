import { Component, inject, signal } from '@angular/core';
import { email, form, FormField, FormRoot, required } from '@angular/forms/signals';
import { RouterLink } from '@angular/router';
import { ApiError } from '../../api/api-error';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';

/**
 * Asks for a password reset link. The hub answers the same whether or not the address has an
 * account, so the page never tells a stranger who uses Switchboard.
 */
@Component({
  selector: 'sb-forgot-password',
  imports: [AuthPageComponent, FormField, FormRoot, RouterLink, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  template: `
    <sb-auth-page heading="Reset your password" lead="We will email you a link to choose a new one.">
      @if (sentTo(); as address) {
        <p class="sb-success" role="status" data-testid="forgot-password-sent">
          If an account uses {{ address }}, a link to choose a new password is on its way. Check your inbox, and your spam folder if it does not arrive within a few minutes.
        </p>
      } @else {
        <form class="sb-form" [formRoot]="forgotForm" aria-labelledby="auth-heading" data-testid="forgot-password-form">
          <div class="sb-field">
            <label for="forgot-email">Email</label>
            <input id="forgot-email" class="sb-input" type="email" autocomplete="email" spellcheck="false" [formField]="forgotForm.email" />
            <sb-field-errors for="forgot-email" [field]="forgotForm.email" />
          </div>
          <sb-form-alert [error]="failure()" />
          <button class="sb-button" type="submit" [disabled]="forgotForm().submitting()" data-testid="forgot-password-submit">
            {{ forgotForm().submitting() ? 'Sending…' : 'Send the link' }}
          </button>
        </form>
      }
      <p authFooter><a routerLink="/login">Back to sign in</a></p>
    </sb-auth-page>
  `,
})
export class ForgotPasswordComponent {
  private readonly authApi = inject(AuthApi);

  protected readonly sentTo = signal<string | null>(null);
  protected readonly failure = signal<ApiError | null>(null);

  protected readonly forgotForm = form(
    signal({ email: '' }),
    (path) => {
      required(path.email, { message: 'Enter your email address.' });
      email(path.email, { message: 'Enter an email address such as ana@example.com.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const address = fields.email().value().trim();
          try {
            await this.authApi.forgotPassword(address);
            this.sentTo.set(address);
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, { email: fields.email });
          }
        },
      },
    },
  );
}
