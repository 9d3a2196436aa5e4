import { Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { CannedResponseView, UploadedAttachment } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { formatBytes } from '../channels/channel-state';
import { InboxApi } from '../inbox/inbox.api';
import { cannedQueryOf, filterCannedResponses } from '../canned-responses/canned-response-filter';
import { CannedResponsesStore } from '../canned-responses/canned-responses.store';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { CannedResponsePickerComponent } from './canned-response-picker.component';

/** What the composer hands the conversation to send. */
export interface ComposedMessage {
  /** Empty when the reply is files only. */
  readonly text: string;
  readonly files: readonly UploadedAttachment[];
  readonly isPrivate: boolean;
}

/** The most files one message carries (the hub's limit). */
const maxFiles = 10;

/** `typing.start` is repeated at most this often while the agent keeps typing. */
const typingRepeatMs = 3_000;
/** This long without a keystroke counts as having stopped typing. */
const typingIdleMs = 4_000;

/**
 * The reply box: Reply or Private note, Enter sends, Shift+Enter breaks the line. Typing `/` at
 * the start offers the canned responses (arrows, Enter, Escape). Replies tell the customer that
 * the agent is typing (throttled); notes never do. Disabled, with a Claim button, unless the
 * conversation is the agent's. Files (replies only, on channels that deliver them) are uploaded
 * as soon as they are picked and go with the next Send.
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
  private readonly api = inject(InboxApi);

  readonly conversationId = input.required<string>();
  /** The conversation is assigned to the signed-in agent. */
  readonly canReply = input(false);
  /** Offer "Claim" in the disabled state (the agent may claim and the chat is claimable). */
  readonly canClaim = input(false);
  readonly composed = output<ComposedMessage>();
  readonly claimRequested = output<void>();

  protected readonly draft = signal('');
  /** Files uploaded for the next reply. */
  protected readonly files = signal<readonly UploadedAttachment[]>([]);
  protected readonly uploading = signal(0);
  protected readonly uploadFailure = signal<string | null>(null);
  protected readonly sizeOf = formatBytes;
  protected readonly canSend = computed(() => this.canReply() && this.uploading() === 0
    && (this.draft().trim() !== '' || (!this.noteMode() && this.files().length > 0)));
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
        this.files.set([]);
        this.uploadFailure.set(null);
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
    if (!this.canSend()) return;
    const isPrivate = this.noteMode();
    this.composed.emit({ text: this.draft().trim(), files: isPrivate ? [] : this.files(), isPrivate });
    this.draft.set('');
    if (!isPrivate) this.files.set([]);
    this.stopTyping();
  }

  /** Uploads the picked files one by one; each appears as a chip once the hub kept it. */
  protected async attach(event: Event): Promise<void> {
    const picker = event.target as HTMLInputElement;
    const picked = Array.from(picker.files ?? []);
    picker.value = '';
    const conversationId = this.conversationId();
    this.uploadFailure.set(null);
    for (const file of picked.slice(0, Math.max(0, maxFiles - this.files().length))) {
      this.uploading.update((count) => count + 1);
      try {
        const uploaded = await this.api.uploadAttachment(conversationId, file);
        if (conversationId === this.conversationId()) this.files.update((files) => [...files, uploaded]);
      } catch (error) {
        this.uploadFailure.set(`${file.name}: ${ApiError.from(error).message}`);
      } finally {
        this.uploading.update((count) => count - 1);
      }
    }
    if (picked.length > maxFiles) this.uploadFailure.set(`A message carries at most ${maxFiles} files.`);
  }

  protected removeFile(mediaId: string): void {
    this.files.update((files) => files.filter((file) => file.mediaId !== mediaId));
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
