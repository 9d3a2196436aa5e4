import { Component, effect, type ElementRef, input, output, untracked, viewChild } from '@angular/core';
import type { MessageView } from '@switchboard/contracts';
import type { PendingMessage } from './timeline';
import { TimelineMessageComponent } from './timeline-message.component';

/** Within this many pixels of the bottom counts as "reading the latest": new messages scroll in. */
const stickToBottomPx = 80;
const loadOlderAtPx = 120;

/**
 * The conversation's messages, oldest at the top. It starts at the bottom, follows new messages
 * while the agent is at the bottom, keeps its place when older messages load above (scrolling up
 * near the top asks for them), and shows the agent's unconfirmed sends with a retry on failure.
 */
@Component({
  selector: 'sb-message-timeline',
  imports: [TimelineMessageComponent],
  template: `
    <div #scroller class="scroller" tabindex="0" role="log" aria-live="off" aria-label="Messages" (scroll)="watchTop()" data-testid="timeline">
      @if (hasMore()) {
        <p class="older sb-muted">
          @if (loadingOlder()) {
            Loading older messages…
          } @else {
            <button class="sb-link-button" type="button" (click)="loadOlder.emit()">Load older messages</button>
          }
        </p>
      }
      @for (message of messages(); track message.id) {
        <sb-timeline-message [message]="message" />
      } @empty {
        @if (!hasMore() && pending().length === 0) {
          <p class="older sb-muted">No messages yet.</p>
        }
      }
      @for (message of pending(); track message.clientId) {
        <div class="pending" [class.note]="message.isPrivate" data-testid="pending-message" [attr.data-private]="message.isPrivate">
          @if (message.text) {
            <p class="text">{{ message.text }}</p>
          }
          @for (file of message.files; track file.mediaId) {
            <p class="text">📎 {{ file.fileName ?? file.kind }}</p>
          }
          @if (message.failure; as failure) {
            <p class="failure" role="alert">
              Not sent: {{ failure }}
              <button class="sb-link-button" type="button" (click)="retry.emit(message)">Retry</button>
              <button class="sb-link-button" type="button" (click)="discard.emit(message)">Discard</button>
            </p>
          } @else {
            <p class="meta">Sending…</p>
          }
        </div>
      }
    </div>
  `,
  styles: `
    :host { display: flex; flex-direction: column; min-height: 0; }
    .scroller { flex: 1; min-height: 0; padding: 12px 0; overflow-y: auto; overscroll-behavior: contain; }
    .scroller:focus-visible { outline-offset: -2px; }
    .older { padding: 6px 16px; font-size: 0.85rem; text-align: center; }
    .pending { max-width: min(75%, 640px); margin: 3px 16px 3px auto; padding: 8px 12px; border-radius: 12px; background: var(--sb-primary-soft); opacity: 0.75; overflow-wrap: anywhere; }
    .pending.note { border: 1px dashed #e0b400; background: #fff8d6; }
    .text { white-space: pre-wrap; }
    .meta { color: var(--sb-text-muted); font-size: 0.72rem; text-align: right; }
    .failure { color: var(--sb-danger); font-size: 0.8rem; }
    .failure .sb-link-button { margin-left: 6px; font-size: 0.8rem; }
  `,
})
export class MessageTimelineComponent {
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');

  /** A different conversation starts again at its bottom. */
  readonly conversationId = input.required<string>();
  readonly messages = input.required<readonly MessageView[]>();
  readonly pending = input<readonly PendingMessage[]>([]);
  readonly hasMore = input(false);
  readonly loadingOlder = input(false);
  readonly loadOlder = output<void>();
  readonly retry = output<PendingMessage>();
  readonly discard = output<PendingMessage>();

  private shownConversation: string | undefined;
  private firstId: string | undefined;
  private atBottom = true;
  private heightBefore = 0;

  constructor() {
    effect(() => {
      const messages = this.messages();
      this.pending();
      untracked(() => this.keepPlace(messages));
    });
  }

  protected watchTop(): void {
    const element = this.scroller().nativeElement;
    this.atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < stickToBottomPx;
    if (element.scrollTop < loadOlderAtPx && this.hasMore() && !this.loadingOlder()) this.loadOlder.emit();
  }

  /** Before the new rows render, note where the reader is; after, restore it (or stay at the bottom). */
  private keepPlace(messages: readonly MessageView[]): void {
    const element = this.scroller().nativeElement;
    if (this.shownConversation !== this.conversationId()) {
      this.shownConversation = this.conversationId();
      this.firstId = undefined;
      this.atBottom = true;
    }
    const prepended = this.firstId !== undefined && messages[0]?.id !== this.firstId && messages.some((message) => message.id === this.firstId);
    const wasAtBottom = this.atBottom || this.firstId === undefined;
    this.heightBefore = element.scrollHeight;
    const scrollTopBefore = element.scrollTop;
    this.firstId = messages[0]?.id;
    requestAnimationFrame(() => {
      if (prepended) element.scrollTop = scrollTopBefore + (element.scrollHeight - this.heightBefore);
      else if (wasAtBottom) element.scrollTop = element.scrollHeight;
    });
  }
}
