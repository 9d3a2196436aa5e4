import { Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { CannedResponseView } from '@switchboard/contracts';
import { cannedQueryOf, filterCannedResponses } from '../canned-responses/canned-response-filter';
import { CannedResponsesStore } from '../canned-responses/canned-responses.store';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { CannedResponsePickerComponent } from './canned-response-picker.component';

/** What the composer hands the conversation to send. */
export interface ComposedMessage {
  readonly text: string;
  readonly isPrivate: boolean;
}

/** `typing.start` is repeated at most this often while the agent keeps typing. */
const typingRepeatMs = 3_000;
/** This long without a keystroke counts as having stopped typing. */
const typingIdleMs = 4_000;

/**
 * The reply box: Reply or Private note, Enter sends, Shift+Enter breaks the line. Typing `/` at
 * the start offers the canned responses (arrows, Enter, Escape). Replies tell the customer that
 * the agent is typing (throttled); notes never do. Disabled, with a Claim button, unless the
 * conversation is the agent's.
 */
@Component({
  selector: 'sb-composer',
  imports: [CannedResponsePickerComponent],
  templateUrl: './composer.component.html',
  styleUrl: './composer.component.css',
})
export class ComposerComponent {
  private readonly socket = inject(ConsoleSocketService);
  private readonly canned = inject(CannedResponsesStore);

  readonly conversationId = input.required<string>();
  /** The conversation is assigned to the signed-in agent. */
  readonly canReply = input(false);
  /** Offer "Claim" in the disabled state (the agent may claim and the chat is claimable). */
  readonly canClaim = input(false);
  readonly composed = output<ComposedMessage>();
  readonly claimRequested = output<void>();

  protected readonly draft = signal('');
  protected readonly noteMode = signal(false);
  protected readonly activeIndex = signal(0);
  private readonly pickerDismissed = signal(false);

  private readonly query = computed(() => cannedQueryOf(this.draft()));
  protected readonly suggestions = computed(() => {
    const query = this.query();
    return query === null ? [] : filterCannedResponses(this.canned.items(), query);
  });
  protected readonly pickerOpen = computed(() => this.canReply() && this.query() !== null && !this.pickerDismissed());
  protected readonly activeOptionId = computed(() =>
    this.pickerOpen() && this.suggestions().length > 0 ? `canned-${this.conversationId()}-${this.activeIndex()}` : null,
  );
  protected readonly placeholder = computed(() =>
    this.noteMode() ? 'Write a private note for colleagues… (the customer never sees it)' : 'Reply to the customer… Type / for canned responses',
  );

  private typingSince = 0;
  private typingConversation: string | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    // A new conversation: empty box, reply mode, and stop typing in the previous one.
    effect((onCleanup) => {
      this.conversationId();
      untracked(() => {
        this.draft.set('');
        this.noteMode.set(false);
      });
      onCleanup(() => this.stopTyping());
    });
    effect(() => {
      if (this.query() !== null) untracked(() => this.canned.retryIfFailed());
    });
  }

  protected updateDraft(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    const wasQuery = this.query();
    this.draft.set(text);
    if (this.query() !== wasQuery) this.activeIndex.set(0);
    if (this.query() === null) this.pickerDismissed.set(false);
    if (text.trim() === '') this.stopTyping();
    else this.announceTyping();
  }

  protected handleKeys(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (this.pickerOpen()) {
      const count = this.suggestions().length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (count > 0) this.activeIndex.update((index) => (index + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.pickerDismissed.set(true);
        return;
      }
      if (event.key === 'Enter' && !event.shiftKey) {
        const chosen = this.suggestions()[this.activeIndex()];
        if (chosen !== undefined) {
          event.preventDefault();
          this.insertCanned(chosen);
          return;
        }
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      this.sendDraft();
    }
  }

  protected insertCanned(response: CannedResponseView): void {
    this.draft.set(response.text);
    this.pickerDismissed.set(false);
    this.announceTyping();
  }

  protected switchMode(): void {
    this.noteMode.update((note) => !note);
    if (this.noteMode()) this.stopTyping();
  }

  protected sendDraft(): void {
    const text = this.draft().trim();
    if (text === '' || !this.canReply()) return;
    this.composed.emit({ text, isPrivate: this.noteMode() });
    this.draft.set('');
    this.stopTyping();
  }

  protected stopTyping(): void {
    clearTimeout(this.idleTimer);
    const conversationId = this.typingConversation;
    if (conversationId === null) return;
    this.typingConversation = null;
    this.typingSince = 0;
    this.socket.command('typing.stop', { conversationId }).catch(() => undefined);
  }

  /** Tells the hub the agent is typing a reply: at most every few seconds, never for notes. */
  private announceTyping(): void {
    if (this.noteMode() || !this.canReply()) return;
    const conversationId = this.conversationId();
    const now = Date.now();
    if (this.typingConversation !== conversationId || now - this.typingSince > typingRepeatMs) {
      this.typingConversation = conversationId;
      this.typingSince = now;
      // Typing is a nicety: a dropped link must not disturb the agent.
      this.socket.command('typing.start', { conversationId }).catch(() => undefined);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), typingIdleMs);
  }
}
