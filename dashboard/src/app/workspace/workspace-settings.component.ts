import { Component, inject, resource, signal } from '@angular/core';
import { form, FormField, FormRoot, maxLength, minLength, pattern, required, validate } from '@angular/forms/signals';
import type { TenantView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { WorkspaceApi } from './workspace.api';

interface SettingsModel {
  name: string;
  /** `#rrggbb`, or empty for Switchboard's own colour. */
  primaryColor: string;
  logoUrl: string;
  requireMfa: boolean;
}

/** Switchboard's own brand colour, shown in the picker while the workspace has none. */
const defaultColor = '#3451d1';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The workspace's name, brand (colour and logo, applied to the console for everyone in it) and
 * whether two-factor sign-in is required of owners and admins.
 */
@Component({
  selector: 'sb-workspace-settings',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent],
  templateUrl: './workspace-settings.component.html',
  styles: `
    .sb-form { max-width: 560px; }
    .color { display: flex; align-items: center; gap: 10px; }
    .color input[type='color'] { width: 48px; height: 42px; padding: 2px; border: 1px solid var(--sb-border-strong); border-radius: var(--sb-radius); background: var(--sb-surface); cursor: pointer; }
    .color .sb-input { max-width: 140px; font-family: ui-monospace, monospace; }
    .logo { display: flex; align-items: center; gap: 10px; }
    .logo-preview { width: 40px; height: 40px; border: 1px solid var(--sb-border); border-radius: var(--sb-radius); object-fit: contain; }
  `,
})
export class WorkspaceSettingsComponent {
  private readonly workspaceApi = inject(WorkspaceApi);
  private readonly session = inject(SessionService);

  protected readonly defaultColor = defaultColor;
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly saved = signal(false);
  /** The logo address whose preview failed to load, so no broken image is shown. */
  protected readonly brokenLogo = signal<string | null>(null);
  private readonly model = signal<SettingsModel>({ name: '', primaryColor: '', logoUrl: '', requireMfa: false });

  protected readonly tenant = resource({
    loader: async () => {
      const tenant = await this.workspaceApi.tenant();
      this.showTenant(tenant);
      return tenant;
    },
  });

  protected readonly settingsForm = form(
    this.model,
    (path) => {
      required(path.name, { message: 'Name the workspace.' });
      minLength(path.name, 2, { message: 'Use at least 2 characters.' });
      maxLength(path.name, 100, { message: 'Use at most 100 characters.' });
      pattern(path.primaryColor, /^(#[0-9a-fA-F]{6})?$/, { message: 'Use a colour such as #0f766e.' });
      maxLength(path.logoUrl, 2048, { message: 'Use at most 2048 characters.' });
      validate(path.logoUrl, ({ value }) =>
        value().trim() === '' || isHttpUrl(value().trim()) ? undefined : { kind: 'url', message: 'Use a full address such as https://example.com/logo.png.' },
      );
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          this.saved.set(false);
          const value = fields().value();
          const logoUrl = value.logoUrl.trim();
          try {
            const tenant = await this.workspaceApi.update({
              name: value.name.trim(),
              branding: {
                ...(value.primaryColor === '' ? {} : { primaryColor: value.primaryColor.toLowerCase() }),
                ...(logoUrl === '' ? {} : { logoUrl }),
              },
              requireMfa: value.requireMfa,
            });
            this.showTenant(tenant);
            // The shell's colours, logo and name come from `me`.
            await this.session.load();
            this.saved.set(true);
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(apiError);
            return fieldErrorsOf(apiError, {
              name: fields.name,
              'branding/primaryColor': fields.primaryColor,
              'branding/logoUrl': fields.logoUrl,
              requireMfa: fields.requireMfa,
            });
          }
        },
      },
    },
  );

  protected pickColor(event: Event): void {
    this.settingsForm.primaryColor().value.set((event.target as HTMLInputElement).value);
    this.saved.set(false);
  }

  protected useDefaultColor(): void {
    this.settingsForm.primaryColor().value.set('');
  }

  private showTenant(tenant: TenantView): void {
    this.settingsForm().reset({
      name: tenant.name,
      primaryColor: tenant.branding.primaryColor ?? '',
      logoUrl: tenant.branding.logoUrl ?? '',
      requireMfa: tenant.requireMfa,
    });
  }
}
