import { DatePipe } from '@angular/common';
import { Component, computed, input } from '@angular/core';
import type { MessageView } from '@switchboard/contracts';
import { attachmentViews } from './attachment-view';

const authorFallbacks: Readonly<Record<MessageView['author']['kind'], string>> = {
  customer: 'Customer',
  bot: 'Bot',
  agent: 'Agent',
  system: 'Switchboard',
};

const deliveryTexts: Partial<Record<MessageView['status'], string>> = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
};

/**
 * One message in the timeline. Customers' messages sit left; the bot's and agents' right, each in
 * its own colour; system messages centred; private notes yellow and marked as such. Outbound
 * messages show how far delivery got, and why it failed.
 */
@Component({
  selector: 'sb-timeline-message',
  imports: [DatePipe],
  host: {
    '[class]': '"kind-" + message().author.kind',
    '[class.note]': 'message().isPrivate',
    'data-testid': 'timeline-message',
    '[attr.data-author-kind]': 'message().author.kind',
    '[attr.data-private]': 'message().isPrivate',
    '[attr.data-message-id]': 'message().id',
    '[attr.data-status]': 'message().status',
  },
  template: `
    @let item = message();
    <div class="bubble">
      <p class="author">
        {{ authorName() }}
        @if (item.isPrivate) {
          <span class="note-tag">Private note</span>
        }
      </p>
      @if (item.text) {
        <p class="text">{{ item.text }}</p>
      }
      @for (file of files(); track $index) {
        <figure class="attachment" data-testid="attachment" [attr.data-display]="file.display">
          @switch (file.display) {
            @case ('image') {
              <a [href]="file.href" target="_blank" rel="noopener noreferrer">
                <img [src]="file.href" [alt]="file.caption ?? file.label" loading="lazy" />
              </a>
            }
            @case ('audio') {
              <audio controls preload="none" [src]="file.href" [attr.aria-label]="file.label"></audio>
            }
            @case ('video') {
              <video controls preload="metadata" [src]="file.href" [attr.aria-label]="file.label"></video>
            }
            @default {
              @if (file.href) {
                <a class="file" [href]="file.href" download>{{ file.label }}</a>
              } @else {
                <span class="file missing" title="Switchboard did not keep this file: it was too large, or the channel no longer had it">{{ file.label }} (not kept)</span>
              }
              @if (file.size) {
                <span class="size"> · {{ file.size }}</span>
              }
            }
          }
          @if (file.caption && file.caption !== item.text) {
            <figcaption>{{ file.caption }}</figcaption>
          }
        </figure>
      }
      <p class="meta">
        <time [attr.datetime]="item.createdAt" [title]="item.createdAt | date: 'medium'">{{ item.createdAt | date: 'shortTime' }}</time>
        @if (delivery(); as delivery) {
          <span class="delivery" [class.failed]="item.status === 'failed'" data-testid="delivery-status">· {{ delivery }}</span>
        }
      </p>
      @if (item.status === 'failed' && item.failureReason) {
        <p class="failure" data-testid="delivery-failure">{{ item.failureReason }}</p>
      }
    </div>
  `,
  styles: `
    :host { display: flex; padding: 3px 16px; }
    .bubble { max-width: min(75%, 640px); padding: 8px 12px; border-radius: 12px; background: var(--sb-surface-sunken); overflow-wrap: anywhere; }
    :host(.kind-agent), :host(.kind-bot) { justify-content: flex-end; }
    :host(.kind-agent) .bubble { background: var(--sb-primary-soft); }
    :host(.kind-bot) .bubble { background: #eef6f1; }
    :host(.kind-system) { justify-content: center; }
    :host(.kind-system) .bubble { background: none; color: var(--sb-text-muted); font-size: 0.85rem; text-align: center; }
    :host(.note) .bubble { border: 1px dashed #e0b400; background: #fff8d6; }
    .author { color: var(--sb-text-muted); font-size: 0.75rem; font-weight: 600; }
    .note-tag { margin-left: 6px; color: var(--sb-warning-text); }
    .text { white-space: pre-wrap; }
    .meta { color: var(--sb-text-muted); font-size: 0.72rem; text-align: right; }
    .delivery { margin-left: 4px; }
    .failed, .failure { color: var(--sb-danger); }
    .failure { font-size: 0.8rem; }
    .attachment { margin: 4px 0; }
    .attachment img { display: block; max-width: 100%; max-height: 320px; border-radius: 8px; }
    .attachment audio, .attachment video { display: block; max-width: 100%; }
    .attachment video { max-height: 320px; }
    .file::before { content: '📎 '; }
    .missing, .size, figcaption { color: var(--sb-text-muted); font-size: 0.85rem; }
  `,
})
export class TimelineMessageComponent {
  readonly message = input.required<MessageView>();

  protected readonly files = computed(() => attachmentViews(this.message()));

  protected readonly authorName = computed(() => {
    const { author } = this.message();
    return author.name ?? authorFallbacks[author.kind];
  });
  /** Delivery matters for replies that left for the customer: the bot's and agents', not notes or system lines. */
  protected readonly delivery = computed(() => {
    const message = this.message();
    const reply = message.direction === 'outbound' && !message.isPrivate && (message.author.kind === 'agent' || message.author.kind === 'bot');
    return reply ? (deliveryTexts[message.status] ?? null) : null;
  });
}
