import { Component, inject, signal } from '@angular/core';
import type { ChannelRemoved } from '@switchboard/contracts';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ChannelCardComponent } from './channel-card.component';
import { ChannelsStore } from './channels.store';
import { TelegramDialogComponent } from './telegram-dialog.component';
import { WhatsappDialogComponent } from './whatsapp/whatsapp-dialog.component';

/**
 * The places customers reach the workspace: every channel with its live status, the storefront
 * widget's settings, adding a Telegram bot or a WhatsApp number, and editing or removing a bot.
 */
@Component({
  selector: 'sb-channels',
  imports: [ChannelCardComponent, FormAlertComponent, TelegramDialogComponent, WhatsappDialogComponent],
  providers: [ChannelsStore],
  template: `
    <header class="sb-page-header">
      <div>
        <h1>Channels</h1>
        <p>The places your customers reach you, and whether each one is connected. Statuses update live.</p>
      </div>
      @if (canManage) {
        <div class="sb-actions">
          <button class="sb-button secondary" type="button" (click)="dialog.set('telegram')" data-testid="add-telegram">Add Telegram</button>
          <button class="sb-button" type="button" (click)="dialog.set('whatsapp')" data-testid="add-whatsapp">Add WhatsApp</button>
        </div>
      }
    </header>

    <sb-form-alert [error]="store.failure()" />
    @if (removalWarnings().length > 0) {
      <div class="sb-notice" role="status" data-testid="channel-removal-warnings">
        @for (warning of removalWarnings(); track warning) {
          <p>{{ warning }}</p>
        }
      </div>
    }
    @if (store.isLoading() && store.channels().length === 0) {
      <p class="sb-muted" role="status">Loading channels…</p>
    } @else {
      <div class="list" data-testid="channel-list">
        @for (channel of store.channels(); track channel.id) {
          <sb-channel-card [channel]="channel" [canManage]="canManage" (changed)="store.upsert($event)" (removed)="dropChannel($event)" />
        } @empty {
          <p class="sb-muted">No channels yet.</p>
        }
      </div>
    }

    @switch (dialog()) {
      @case ('telegram') {
        <sb-telegram-dialog (created)="store.upsert($event)" (closed)="dialog.set(null)" />
      }
      @case ('whatsapp') {
        <sb-whatsapp-dialog (created)="store.upsert($event)" (closed)="dialog.set(null)" />
      }
    }
  `,
  styles: `
    .list { display: grid; gap: 16px; }
  `,
})
export class ChannelsComponent {
  protected readonly store = inject(ChannelsStore);
  protected readonly canManage = inject(SessionService).can('channel.manage');
  protected readonly dialog = signal<'telegram' | 'whatsapp' | null>(null);
  /** What the last removal could not undo at the provider, for the admin to act on. */
  protected readonly removalWarnings = signal<readonly string[]>([]);

  constructor() {
    void this.store.load();
  }

  protected dropChannel(removed: ChannelRemoved): void {
    this.store.drop(removed.id);
    this.removalWarnings.set(removed.warnings);
  }
}
