import { Component, computed, input, output, signal } from '@angular/core';
import type { ChannelRemoved, ChannelView } from '@switchboard/contracts';
import { ChannelBadgeComponent } from '../inbox/channel-badge.component';
import { RelativeTimePipe } from '../ui/relative-time.pipe';
import { type ChannelCard, describeState, formatBytes } from './channel-state';
import { ChannelRemoveDialogComponent } from './channel-remove-dialog.component';
import { TelegramControlsComponent } from './telegram-controls.component';
import { WebchatSettingsComponent } from './webchat-settings.component';
import { WhatsappAudienceComponent } from './whatsapp/whatsapp-audience.component';
import { WhatsappControlsComponent } from './whatsapp/whatsapp-controls.component';

/**
 * One channel: its type, name and live status, the account it is connected as, its last
 * activity, why it is not running and the memory its session uses, with the controls its type
 * has (the webchat snippet and settings, a WhatsApp session's start, stop and log out and who
 * its bot answers, a Telegram bot's edit and removal).
 */
@Component({
  selector: 'sb-channel-card',
  imports: [ChannelBadgeComponent, ChannelRemoveDialogComponent, RelativeTimePipe, TelegramControlsComponent, WebchatSettingsComponent, WhatsappAudienceComponent, WhatsappControlsComponent],
  template: `
    @let card = channel();
    <article class="sb-card" [attr.aria-labelledby]="'channel-' + card.id" data-testid="channel-card" [attr.data-channel-id]="card.id" [attr.data-type]="card.type">
      <div class="top">
        <sb-channel-badge [channel]="card.type" />
        <h3 [id]="'channel-' + card.id">{{ card.name }}</h3>
        <span class="sb-badge" [class]="'sb-badge ' + state().tone" role="status" data-testid="channel-state" [attr.data-state]="card.state"><span class="sb-visually-hidden">{{ card.name }}: </span>{{ state().label }}</span>
      </div>
      <dl class="facts">
        @if (card.account) {
          <div><dt>Account</dt><dd data-testid="channel-account">{{ card.account }}</dd></div>
        }
        @if (card.view.mode) {
          <div><dt>Updates by</dt><dd>{{ card.view.mode === 'webhook' ? 'Webhook' : 'Polling' }}{{ card.view.allowGroups ? ', groups on' : '' }}</dd></div>
        }
        <div>
          <dt>Last activity</dt>
          <dd>
            @if (card.lastActivityAt; as at) {
              <time [attr.datetime]="at" [title]="at">{{ at | relativeTime }}</time>
            } @else {
              No messages yet
            }
          </dd>
        </div>
        @if (card.rssBytes !== undefined) {
          <div><dt>Memory</dt><dd data-testid="channel-memory">{{ memory() }}</dd></div>
        }
        @if (card.node) {
          <div><dt>Node</dt><dd class="sb-mono">{{ card.node }}</dd></div>
        }
      </dl>
      @if (card.reason) {
        <p class="reason" [class.sb-alert]="state().tone === 'danger'" [class.sb-notice]="state().tone !== 'danger'" data-testid="channel-reason">{{ card.reason }}</p>
      }
      @if (canManage()) {
        @if (card.type === 'webchat') {
          <sb-webchat-settings [channel]="card.view" (changed)="changed.emit($event)" />
        } @else if (card.type === 'whatsapp') {
          <sb-whatsapp-controls [channelId]="card.id" [name]="card.name" [state]="card.state" />
          <sb-whatsapp-audience [channelId]="card.id" [name]="card.name" />
          <div class="sb-actions">
            <button class="sb-button small secondary" type="button" (click)="removing.set(true)" data-testid="whatsapp-remove">Remove the channel</button>
          </div>
          @if (removing()) {
            <sb-channel-remove-dialog [channel]="card.view" (removed)="removed.emit($event)" (closed)="removing.set(false)" />
          }
        } @else if (card.type === 'telegram') {
          <sb-telegram-controls [channel]="card.view" (changed)="changed.emit($event)" (removed)="removed.emit($event)" />
        }
      }
    </article>
  `,
  styles: `
    .sb-card { display: grid; gap: 12px; margin: 0; }
    .top { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
    h3 { flex: 1; margin: 0; font-size: 1.05rem; }
    .facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; font-size: 0.9rem; }
    .facts dt { color: var(--sb-text-muted); font-size: 0.8rem; }
    .facts dd { margin: 0; }
    .reason { margin: 0; }
  `,
})
export class ChannelCardComponent {
  readonly channel = input.required<ChannelCard>();
  readonly canManage = input(false);
  readonly changed = output<ChannelView>();
  readonly removed = output<ChannelRemoved>();

  /** The remove dialog of a WhatsApp channel is open. */
  protected readonly removing = signal(false);

  protected readonly state = computed(() => describeState(this.channel().state));
  protected readonly memory = computed(() => formatBytes(this.channel().rssBytes ?? 0));
}
