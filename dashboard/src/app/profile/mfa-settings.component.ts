import { Component, inject, input, signal } from '@angular/core';
import { form, FormField, FormRoot, pattern, required, type SchemaPathTree, type ValidationError } from '@angular/forms/signals';
import { ApiError } from '../api/api-error';
import type { MfaSetupResponse } from '@switchboard/contracts';
import { SessionService } from '../auth/session.service';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { type FieldRef, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { MfaApi } from './mfa.api';

type Stage = 'overview' | 'setup' | 'recovery-codes';

const totpPattern = /^[0-9]{6}$/;

/** The one field of both forms here: the current code from the authenticator app. */
function sixDigitCode(path: SchemaPathTree<{ code: string }>): void {
  required(path.code, { message: 'Enter the six-digit code.' });
  pattern(path.code, totpPattern, { message: 'The code has six digits.' });
}

/**
 * Two-factor sign-in: set up (scan the QR code or type the secret, confirm one code), see the
 * recovery codes exactly once, or turn it off with a current code.
 */
@Component({
  selector: 'sb-mfa-settings',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, AutofocusDirective],
  templateUrl: './mfa-settings.component.html',
  styleUrl: './mfa-settings.component.css',
})
export class MfaSettingsComponent {
  private readonly mfaApi = inject(MfaApi);
  private readonly session = inject(SessionService);

  readonly enabled = input.required<boolean>();
  /** The workspace requires two-factor sign-in for this person's role. */
  readonly required = input(false);

  protected readonly stage = signal<Stage>('overview');
  protected readonly setup = signal<MfaSetupResponse | null>(null);
  protected readonly recoveryCodes = signal<readonly string[]>([]);
  protected readonly copyState = signal<'idle' | 'copied' | 'failed'>('idle');
  protected readonly starting = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  protected readonly verifyForm = form(
    signal({ code: '' }),
    sixDigitCode,
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          try {
            const { recoveryCodes } = await this.mfaApi.verify(fields.code().value().trim());
            this.recoveryCodes.set(recoveryCodes);
            this.setup.set(null);
            this.stage.set('recovery-codes');
            // The badge, the workspace's MFA requirement and the shell read \`me\`.
            await this.session.load();
            return undefined;
          } catch (error) {
            return this.refusal(error, fields.code);
          }
        },
      },
    },
  );

  protected readonly disableForm = form(
    signal({ code: '' }),
    sixDigitCode,
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          try {
            await this.mfaApi.disable(fields.code().value().trim());
            this.disableForm().reset({ code: '' });
            await this.session.load();
            return undefined;
          } catch (error) {
            return this.refusal(error, fields.code);
          }
        },
      },
    },
  );

  protected async startSetup(): Promise<void> {
    this.starting.set(true);
    this.failure.set(null);
    try {
      this.setup.set(await this.mfaApi.setup());
      this.verifyForm().reset({ code: '' });
      this.stage.set('setup');
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.starting.set(false);
    }
  }

  protected cancelSetup(): void {
    this.setup.set(null);
    this.failure.set(null);
    this.stage.set('overview');
  }

  protected async copyRecoveryCodes(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.recoveryCodes().join('\n'));
      this.copyState.set('copied');
    } catch {
      this.copyState.set('failed');
    }
  }

  /** Leaves the codes screen for good: they are never shown again. */
  protected finishSetup(): void {
    this.recoveryCodes.set([]);
    this.copyState.set('idle');
    this.stage.set('overview');
  }

  /** A wrong code belongs on the code field; anything else above the button. */
  private refusal(error: unknown, codeField: FieldRef): ValidationError.WithOptionalFieldTree[] | undefined {
    const apiError = ApiError.from(error);
    if (apiError.code === 'SB_ERR_MFA_INVALID' || apiError.code === 'SB_ERR_VALIDATION') {
      return [{ kind: 'server', message: apiError.code === 'SB_ERR_MFA_INVALID' ? apiError.message : 'Enter the six-digit code.', fieldTree: codeField }];
    }
    this.failure.set(apiError);
    return undefined;
  }
}
