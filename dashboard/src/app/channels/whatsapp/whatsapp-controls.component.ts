import { Component, computed, inject, input, signal } from '@angular/core';
import { ApiError } from '../../api/api-error';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { type WhatsappSessionCommand, WhatsappApi } from './whatsapp.api';

const running = new Set(['starting', 'qr', 'authenticated', 'ready', 'reconnecting']);

/**
 * Start, stop and log out of one WhatsApp session. The result shows in the channel's status as
 * the session reports it (`channel.status`), not here. Logging out unlinks the phone, so it asks
 * first.
 */
@Component({
  selector: 'sb-whatsapp-controls',
  imports: [FormAlertComponent],
  template: `
    <div class="sb-actions" role="group" [attr.aria-label]="'Session of ' + name()">
      @if (isRunning()) {
        <button class="sb-button small secondary" type="button" [disabled]="busy()" (click)="send('stop')" data-testid="whatsapp-stop">Stop</button>
      } @else {
        <button class="sb-button small secondary" type="button" [disabled]="busy()" (click)="send('start')" data-testid="whatsapp-start">Start</button>
      }
      @if (confirmingLogout()) {
        <span>Unlink this phone? You will need to scan a new QR code.</span>
        <button class="sb-button small danger" type="button" [disabled]="busy()" (click)="send('logout')" data-testid="whatsapp-logout-confirm">Log out</button>
        <button class="sb-button small secondary" type="button" (click)="confirmingLogout.set(false)">Keep it linked</button>
      } @else {
        <button class="sb-button small secondary" type="button" [disabled]="busy()" (click)="confirmingLogout.set(true)" data-testid="whatsapp-logout">Log out</button>
      }
    </div>
    <sb-form-alert [error]="failure()" />
  `,
  styles: `:host { display: grid; gap: 8px; }`,
})
export class WhatsappControlsComponent {
  private readonly api = inject(WhatsappApi);

  readonly channelId = input.required<string>();
  readonly name = input.required<string>();
  readonly state = input.required<string>();

  protected readonly busy = signal(false);
  protected readonly confirmingLogout = signal(false);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly isRunning = computed(() => running.has(this.state()));

  protected async send(command: WhatsappSessionCommand): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      await this.api.command(this.channelId(), command);
      this.confirmingLogout.set(false);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }
}
