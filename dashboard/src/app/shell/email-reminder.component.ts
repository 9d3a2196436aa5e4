import { Component, inject, input, signal } from '@angular/core';
import { ApiError } from '../api/api-error';
import { AuthApi } from '../auth/auth.api';

/** Reminds a person whose address is not verified yet, with a way to get a fresh link. */
@Component({
  selector: 'sb-email-reminder',
  template: `
    <div class="sb-notice reminder" data-testid="email-reminder">
      <p>
        Please confirm your email address: we sent a link to <strong>{{ email() }}</strong>.
        @if (resent()) {
          <span role="status">A new link is on its way.</span>
        }
        @if (failure(); as failure) {
          <span role="alert">{{ failure.message }}</span>
        }
      </p>
      @if (!resent()) {
        <button class="sb-button secondary small" type="button" [disabled]="sending()" (click)="resendLink()">
          {{ sending() ? 'Sending…' : 'Send a new link' }}
        </button>
      }
    </div>
  `,
  styles: `
    .reminder { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; max-width: 1100px; margin-bottom: 24px; }
  `,
})
export class EmailReminderComponent {
  private readonly authApi = inject(AuthApi);

  readonly email = input.required<string>();

  protected readonly sending = signal(false);
  protected readonly resent = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  protected async resendLink(): Promise<void> {
    this.sending.set(true);
    this.failure.set(null);
    try {
      await this.authApi.resendVerification();
      this.resent.set(true);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.sending.set(false);
    }
  }
}
