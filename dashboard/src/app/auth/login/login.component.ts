import { Component, computed, inject, signal } from '@angular/core';
import { form, FormField, FormRoot, required, validate } from '@angular/forms/signals';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { LoginRequest, LoginResponse } from '@switchboard/contracts';
import { ApiError } from '../../api/api-error';
import type { TenantChoice } from '../../api/contract-types';
import { FieldAriaDirective } from '../../forms/field-aria.directive';
import { FieldErrorsComponent } from '../../forms/field-errors.component';
import { fieldErrorsOf, focusFirstError } from '../../forms/field-errors';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AutofocusDirective } from '../../ui/autofocus.directive';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';
import { roleLabels } from '../role-labels';
import { safeReturnUrl } from '../return-url';
import { SessionService } from '../session.service';

type Step = 'credentials' | 'tenant' | 'mfa';

const notices: Readonly<Record<string, string>> = {
  'password-reset': 'Your password was changed. Sign in with the new one.',
  'invitation-accepted': 'You joined the workspace. Sign in to start.',
};

/**
 * Sign-in in up to three steps, each answered by `POST /api/v1/auth/login`: email and password;
 * then, for someone in several workspaces, which one; then, with two-factor sign-in on, the code
 * from the authenticator app or a recovery code. The later steps carry the `challengeToken`.
 */
@Component({
  selector: 'sb-login',
  imports: [AuthPageComponent, FormField, FormRoot, RouterLink, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, AutofocusDirective],
  templateUrl: './login.component.html',
  styles: `
    .choices { display: grid; gap: 8px; margin: 0; padding: 0; list-style: none; }
    .choice { display: flex; justify-content: space-between; gap: 12px; width: 100%; padding: 12px 14px; border: 1px solid var(--sb-border-strong); border-radius: var(--sb-radius); background: var(--sb-surface); text-align: left; cursor: pointer; }
    .choice:hover:not(:disabled) { border-color: var(--sb-primary); background: var(--sb-primary-soft); }
    .choice-name { font-weight: 600; }
    .code { font-size: 1.2rem; letter-spacing: 0.2em; font-variant-numeric: tabular-nums; }
    .row { display: flex; justify-content: space-between; align-items: baseline; }
    .row a { font-size: 0.85rem; font-weight: 500; }
  `,
})
export class LoginComponent {
  private readonly authApi = inject(AuthApi);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  private readonly query = inject(ActivatedRoute).snapshot.queryParamMap;

  protected readonly roleLabels = roleLabels;
  protected readonly step = signal<Step>('credentials');
  protected readonly tenants = signal<readonly TenantChoice[]>([]);
  protected readonly useRecoveryCode = signal(false);
  protected readonly choosingTenant = signal(false);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly notice = notices[this.query.get('notice') ?? ''] ?? null;
  private challengeToken = '';

  protected readonly heading = computed(() => {
    switch (this.step()) {
      case 'tenant':
        return 'Choose a workspace';
      case 'mfa':
        return 'Two-factor sign-in';
      default:
        return 'Sign in to Switchboard';
    }
  });

  protected readonly loginForm = form(
    signal({ email: '', password: '' }),
    (path) => {
      required(path.email, { message: 'Enter your email address.' });
      required(path.password, { message: 'Enter your password.' });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          const { email, password } = fields().value();
          return this.attempt({ email: email.trim(), password }, (error) => fieldErrorsOf(error, { email: fields.email, password: fields.password }));
        },
      },
    },
  );

  protected readonly mfaForm = form(
    signal({ code: '' }),
    (path) => {
      required(path.code, { message: 'Enter the code.' });
      validate(path.code, ({ value }) => {
        const code = value().trim();
        if (code === '') return undefined;
        if (this.useRecoveryCode()) {
          return /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(code) ? undefined : { kind: 'pattern', message: 'A recovery code looks like abcde-12345.' };
        }
        return /^[0-9]{6}$/.test(code) ? undefined : { kind: 'pattern', message: 'The code has six digits.' };
      });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          const code = fields.code().value().trim();
          const request: LoginRequest = this.useRecoveryCode()
            ? { challengeToken: this.challengeToken, recoveryCode: code }
            : { challengeToken: this.challengeToken, totpCode: code };
          return this.attempt(request, (error) =>
            error.code === 'SB_ERR_MFA_INVALID' ? [{ kind: 'server', message: error.message, fieldTree: fields.code }] : null,
          );
        },
      },
    },
  );

  protected async chooseTenant(tenant: TenantChoice): Promise<void> {
    if (this.choosingTenant()) return;
    this.choosingTenant.set(true);
    await this.attempt({ challengeToken: this.challengeToken, tenantId: tenant.id }, () => null);
    this.choosingTenant.set(false);
  }

  protected toggleRecoveryCode(): void {
    this.useRecoveryCode.update((on) => !on);
    this.mfaForm().reset({ code: '' });
  }

  protected startOver(): void {
    this.failure.set(null);
    this.challengeToken = '';
    this.step.set('credentials');
  }

  /**
   * Sends one step and moves to the next. `fieldErrors` turns a refusal into errors on this
   * step's inputs; when it returns null the refusal is shown above the button instead. A refused
   * challenge (expired, used) starts again from the email and password.
   */
  private async attempt(request: LoginRequest, fieldErrors: (error: ApiError) => ReturnType<typeof fieldErrorsOf> | null) {
    this.failure.set(null);
    try {
      await this.follow(await this.authApi.login(request));
      return undefined;
    } catch (error) {
      const apiError = ApiError.from(error);
      const errors = fieldErrors(apiError);
      if (errors !== null && errors.length > 0) return errors;
      if (request.challengeToken !== undefined && apiError.code !== 'SB_ERR_RATE_LIMITED' && apiError.code !== 'SB_ERR_NETWORK') {
        this.startOver();
      }
      this.failure.set(apiError);
      return undefined;
    }
  }

  private async follow(response: LoginResponse): Promise<void> {
    switch (response.status) {
      case 'authenticated': {
        this.session.signedIn(response.me);
        const target = safeReturnUrl(this.query.get('returnUrl')) ?? this.session.homePath();
        await this.router.navigateByUrl(target);
        return;
      }
      case 'tenant_required':
        this.challengeToken = response.challengeToken;
        this.tenants.set(response.tenants);
        this.step.set('tenant');
        return;
      case 'mfa_required':
        this.challengeToken = response.challengeToken;
        this.mfaForm().reset({ code: '' });
        this.step.set('mfa');
        return;
    }
  }
}
