import { Component, computed, inject, input, resource, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiError } from '../../api/api-error';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { AuthApi } from '../auth.api';
import { AuthPageComponent } from '../auth-page/auth-page.component';
import { SessionService } from '../session.service';

/**
 * The page behind the link in the verification mail (`/verify-email/:token`): confirms the
 * address as soon as it opens, and offers a new link when this one expired or was used.
 */
@Component({
  selector: 'sb-verify-email',
  imports: [AuthPageComponent, RouterLink, FormAlertComponent],
  template: `
    <sb-auth-page heading="Verify your email">
      <div data-testid="verify-email-result" [attr.data-state]="verification.status()">
        @if (verification.isLoading()) {
          <p class="sb-muted" role="status">Confirming your email address…</p>
        } @else if (verification.hasValue()) {
          <p class="sb-success" role="status">Your email address is verified. Thank you.</p>
        } @else if (failure(); as failure) {
          <sb-form-alert [error]="failure" />
        }
      </div>

      @if (failure() && session.isAuthenticated()) {
        @if (resent()) {
          <p class="sb-success" role="status">A new link is on its way to {{ session.me()?.user?.email }}.</p>
        } @else {
          <sb-form-alert [error]="resendFailure()" />
          <button class="sb-button secondary" type="button" [disabled]="resending()" (click)="resendLink()" data-testid="verify-email-resend">
            {{ resending() ? 'Sending…' : 'Send me a new link' }}
          </button>
        }
      }

      @if (!verification.isLoading()) {
        @if (session.isAuthenticated()) {
          <a class="sb-button" [routerLink]="session.homePath()" data-testid="verify-email-continue">Continue to the console</a>
        } @else {
          <a class="sb-button" routerLink="/login" data-testid="verify-email-continue">Sign in</a>
        }
      }
    </sb-auth-page>
  `,
})
export class VerifyEmailComponent {
  private readonly authApi = inject(AuthApi);
  protected readonly session = inject(SessionService);

  /** From the route, `/verify-email/:token`. */
  readonly token = input.required<string>();

  protected readonly verification = resource({
    params: () => this.token(),
    loader: async ({ params: token }) => {
      await this.authApi.verifyEmail(token);
      // The console's reminder to verify reads `me`, so refresh it for a signed-in person.
      if (this.session.isAuthenticated()) await this.session.load();
      return true;
    },
  });

  protected readonly failure = computed(() => {
    const error = this.verification.error();
    return error === undefined ? null : ApiError.from(error);
  });

  protected readonly resending = signal(false);
  protected readonly resent = signal(false);
  protected readonly resendFailure = signal<ApiError | null>(null);

  protected async resendLink(): Promise<void> {
    this.resending.set(true);
    this.resendFailure.set(null);
    try {
      await this.authApi.resendVerification();
      this.resent.set(true);
    } catch (error) {
      this.resendFailure.set(ApiError.from(error));
    } finally {
      this.resending.set(false);
    }
  }
}
