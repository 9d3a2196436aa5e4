import { Component, computed, inject } from '@angular/core';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { PresenceStore } from './presence.store';

/**
 * The agent's own availability: a switch between online and away. While the live link is down it
 * says so instead, since the hub cannot be told.
 */
@Component({
  selector: 'sb-presence-toggle',
  template: `
    <button
      class="toggle"
      type="button"
      role="switch"
      [attr.aria-checked]="online()"
      [disabled]="!socket.isOnline() || presence.saving()"
      [attr.data-status]="presence.status()"
      (click)="switchAvailability()"
      data-testid="presence-toggle"
    >
      <span class="dot" [class.online]="online() && socket.isOnline()" aria-hidden="true"></span>
      <span class="sb-visually-hidden">Available for chats: </span>
      <span>{{ label() }}</span>
    </button>
    @if (presence.failure(); as failure) {
      <span class="sb-visually-hidden" role="alert">{{ failure.message }}</span>
    }
  `,
  styles: `
    :host { display: inline-flex; }
    .toggle { display: inline-flex; align-items: center; gap: 8px; min-height: 36px; padding: 4px 12px; border: 1px solid var(--sb-border-strong); border-radius: 999px; background: var(--sb-surface); font-weight: 600; font-size: 0.875rem; cursor: pointer; }
    .toggle:disabled { color: var(--sb-text-muted); cursor: not-allowed; }
    .dot { width: 10px; height: 10px; border-radius: 50%; background: #d97706; }
    .dot.online { background: #16a34a; }
    .toggle:disabled .dot { background: var(--sb-border-strong); }
  `,
})
export class PresenceToggleComponent {
  protected readonly presence = inject(PresenceStore);
  protected readonly socket = inject(ConsoleSocketService);

  protected readonly online = computed(() => this.presence.status() === 'online');
  protected readonly label = computed(() => {
    switch (this.socket.status()) {
      case 'online':
        return this.online() ? 'Online' : 'Away';
      case 'offline':
        return 'Offline';
      default:
        return 'Connecting…';
    }
  });

  protected switchAvailability(): Promise<void> {
    return this.presence.setStatus(this.online() ? 'away' : 'online');
  }
}
