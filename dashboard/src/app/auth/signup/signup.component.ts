import { Component, inject, signal } from '@angular/core';
import { email, form, FormField, FormRoot, maxLength, minLength, required } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import { ApiError } from '../../api/api-error';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';
import { passwordMaxLength, passwordMinLength, passwordPolicy } from '../password-policy';
import { SessionService } from '../session.service';

/**
 * Creates a workspace and its owner (`POST /api/v1/auth/signup`) and signs them in; the
 * verification mail is on its way, and the console reminds them until the link is opened.
 */
@Component({
  selector: 'sb-signup',
  imports: [AuthPageComponent, FormField, FormRoot, RouterLink, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  templateUrl: './signup.component.html',
})
export class SignupComponent {
  private readonly authApi = inject(AuthApi);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);

  protected readonly passwordPolicy = passwordPolicy;
  protected readonly failure = signal<ApiError | null>(null);

  protected readonly signupForm = form(
    signal({ tenantName: '', name: '', email: '', password: '' }),
    (path) => {
      required(path.tenantName, { message: 'Name your workspace.' });
      minLength(path.tenantName, 2, { message: 'Use at least 2 characters.' });
      maxLength(path.tenantName, 100, { message: 'Use at most 100 characters.' });
      required(path.name, { message: 'Enter your name.' });
      maxLength(path.name, 120, { message: 'Use at most 120 characters.' });
      required(path.email, { message: 'Enter your email address.' });
      email(path.email, { message: 'Enter an email address such as ana@example.com.' });
      required(path.password, { message: 'Choose a password.' });
      minLength(path.password, passwordMinLength, { message: `Use at least ${passwordMinLength} characters.` });
      maxLength(path.password, passwordMaxLength, { message: `Use at most ${passwordMaxLength} characters.` });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          const value = fields().value();
          try {
            const { me } = await this.authApi.signup({
              tenantName: value.tenantName.trim(),
              name: value.name.trim(),
              email: value.email.trim(),
              password: value.password,
            });
            this.session.signedIn(me);
            await this.router.navigateByUrl(this.session.homePath());
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            if (apiError.code === 'SB_ERR_WEAK_PASSWORD') return [{ kind: 'server', message: apiError.message, fieldTree: fields.password }];
            if (apiError.code === 'SB_ERR_EMAIL_TAKEN') return [{ kind: 'server', message: apiError.message, fieldTree: fields.email }];
            return fieldErrorsOf(apiError, { tenantName: fields.tenantName, name: fields.name, email: fields.email, password: fields.password });
          }
        },
      },
    },
  );
}
