import { DatePipe } from '@angular/common';
import { Component, inject, input, signal } from '@angular/core';
import type { MeView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { PlatformApi } from '../platform/platform.api';

type Impersonation = NonNullable<MeView['impersonation']>;

/**
 * Across the top of every console page while a platform admin acts as someone else: whose
 * console this is, until when, and the way out. Everything done meanwhile is audited with both
 * identities; the banner makes sure the admin never forgets which hat they wear.
 */
@Component({
  selector: 'sb-impersonation-banner',
  imports: [DatePipe],
  template: `
    <section class="banner" aria-label="Acting as another person" data-testid="impersonation-banner">
      <p>
        You are acting as <strong>{{ actingAs() }}</strong>
        @if (tenantName(); as tenant) {
          in <strong>{{ tenant }}</strong>
        }
        until <time [attr.datetime]="impersonation().expiresAt">{{ impersonation().expiresAt | date: 'shortTime' }}</time>.
        <span class="by">Signed in as {{ impersonation().byEmail }}.</span>
      </p>
      @if (failure(); as failure) {
        <p role="alert">{{ failure.message }}</p>
      }
      <button class="stop" type="button" [disabled]="stopping()" (click)="stopImpersonating()" data-testid="impersonation-stop">
        {{ stopping() ? 'Stopping…' : 'Stop acting as this person' }}
      </button>
    </section>
  `,
  styles: `
    .banner { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; padding: 8px 16px; background: #3b2a00; color: #ffe7a3; font-size: 0.9rem; }
    strong { color: #ffffff; }
    .by { opacity: 0.85; }
    .stop { padding: 5px 12px; border: 1px solid #ffe7a3; border-radius: var(--sb-radius); background: transparent; color: inherit; font-weight: 600; cursor: pointer; }
    .stop:hover:not(:disabled) { background: rgb(255 231 163 / 15%); }
    .stop:focus-visible { outline-color: #ffe7a3; }
  `,
})
export class ImpersonationBannerComponent {
  private readonly platformApi = inject(PlatformApi);

  readonly impersonation = input.required<Impersonation>();
  /** The impersonated person, e.g. "Ana Silva (ana@example.com)". */
  readonly actingAs = input.required<string>();
  readonly tenantName = input<string | null>(null);

  protected readonly stopping = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  /** Ends the impersonation and reloads the console as the platform admin. */
  protected async stopImpersonating(): Promise<void> {
    this.stopping.set(true);
    this.failure.set(null);
    try {
      await this.platformApi.stopImpersonation();
      // A full reload, so that nothing loaded as the impersonated person survives in memory.
      window.location.assign('/tenants');
    } catch (error) {
      this.failure.set(ApiError.from(error));
      this.stopping.set(false);
    }
  }
}
