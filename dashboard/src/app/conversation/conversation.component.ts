import { DOCUMENT } from '@angular/common';
import { Component, computed, DestroyRef, effect, inject, input, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { MessageView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { InboxApi } from '../inbox/inbox.api';
import { InboxStore } from '../inbox/inbox.store';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { type ComposedMessage, ComposerComponent } from './composer.component';
import { ConversationHeaderComponent, type HeaderCommand } from './conversation-header.component';
import { MessageTimelineComponent } from './message-timeline.component';
import { mergeMessages, newClientId, type PendingMessage } from './timeline';
import { ProposedActionsComponent } from './proposed-actions.component';
import { StreamingReplyStore } from './streaming-reply.store';
import { TypingStore } from './typing.store';

const pageSize = 50;

const busyTexts: Readonly<Record<HeaderCommand['action'], string>> = {
  claim: 'Claiming',
  release: 'Releasing',
  transfer: 'Transferring',
  close: 'Closing',
  reopen: 'Reopening',
};

/**
 * One conversation beside the inbox list (`/inbox/:conversationId`): header and commands, the
 * timeline (live, older pages on scroll up), who is typing, and the reply box. Opening it and
 * new messages arriving while it is open and visible mark it read.
 */
@Component({
  selector: 'sb-conversation',
  imports: [FormAlertComponent, ConversationHeaderComponent, MessageTimelineComponent, ComposerComponent, ProposedActionsComponent],
  templateUrl: './conversation.component.html',
  styles: `
    :host { display: flex; flex: 1; flex-direction: column; min-height: 0; }
    sb-message-timeline { flex: 1; }
    .streaming { flex: none; margin: 0 16px 4px; padding: 8px 12px; max-width: 70%; border-radius: 12px; background: var(--sb-surface-muted, #f3f4f6); white-space: pre-wrap; }
    .streaming::after { content: '▍'; opacity: .6; }
    .typing { flex: none; min-height: 1.5em; padding: 0 16px; color: var(--sb-text-muted); font-size: 0.8rem; font-style: italic; }
    .state { padding: 24px 16px; }
  `,
})
export class ConversationComponent {
  private readonly api = inject(InboxApi);
  private readonly store = inject(InboxStore);
  private readonly session = inject(SessionService);
  private readonly socket = inject(ConsoleSocketService);
  private readonly typing = inject(TypingStore);
  private readonly streaming = inject(StreamingReplyStore);
  private readonly document = inject(DOCUMENT);

  /** The `:conversationId` route parameter. */
  readonly conversationId = input.required<string>();
  /** The `tab` query parameter, kept for the way back. */
  readonly tab = input<string>();

  protected readonly messages = signal<readonly MessageView[]>([]);
  protected readonly pending = signal<readonly PendingMessage[]>([]);
  protected readonly hasMore = signal(false);
  protected readonly loadingOlder = signal(false);
  protected readonly loadFailure = signal<ApiError | null>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly commandFailure = signal<ApiError | null>(null);
  /** The latest arrival, read out by screen readers. */
  protected readonly announcement = signal('');

  protected readonly conversation = computed(() => this.store.conversation(this.conversationId()) ?? null);
  private readonly me = computed(() => this.session.me()?.user.id ?? '');
  protected readonly canReply = computed(() => {
    const conversation = this.conversation();
    return conversation !== null && conversation.status === 'agent' && conversation.assignedAgentId === this.me() && this.session.can('conversation.reply');
  });
  protected readonly canClaim = computed(() => {
    const status = this.conversation()?.status;
    return this.session.can('conversation.claim') && (status === 'bot' || status === 'awaiting_agent');
  });
  protected readonly typingSentence = computed(() => this.typing.sentenceFor(this.conversationId()));
  /** The bot's reply as it is being written, until the stored message replaces it. */
  protected readonly streamingReply = computed(() => this.streaming.textFor(this.conversationId()));

  /** Bumped per conversation, so that answers for the previous one are dropped. */
  private generation = 0;

  constructor() {
    effect(() => {
      const id = this.conversationId();
      untracked(() => void this.open(id));
    });
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => this.store.openConversationId.set(null));
    this.socket.on('message.created').pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => this.receive(data.message, true));
    this.socket.on('message.updated').pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => this.receive(data.message, false));
    this.socket.resyncNeeded.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.open(this.conversationId()));
    const markReadWhenBack = () => {
      if (this.document.visibilityState === 'visible' && (this.conversation()?.unreadCount ?? 0) > 0) void this.store.markRead(this.conversationId());
    };
    this.document.addEventListener('visibilitychange', markReadWhenBack);
    destroyRef.onDestroy(() => this.document.removeEventListener('visibilitychange', markReadWhenBack));
  }

  protected async loadOlder(): Promise<void> {
    const oldest = this.messages()[0];
    if (oldest === undefined || this.loadingOlder() || !this.hasMore()) return;
    const generation = this.generation;
    this.loadingOlder.set(true);
    try {
      const page = await this.api.messages(this.conversationId(), oldest.id, pageSize);
      if (generation !== this.generation) return;
      this.messages.update((messages) => mergeMessages(messages, page.items));
      this.hasMore.set(page.hasMore);
    } catch (error) {
      if (generation === this.generation) this.loadFailure.set(ApiError.from(error));
    } finally {
      if (generation === this.generation) this.loadingOlder.set(false);
    }
  }

  protected async runCommand(command: HeaderCommand): Promise<void> {
    const id = this.conversationId();
    this.busy.set(busyTexts[command.action]);
    this.commandFailure.set(null);
    try {
      const conversation = command.action === 'transfer' ? await this.api.transfer(id, command.agentId) : await this.api.act(id, command.action);
      this.store.upsert(conversation);
    } catch (error) {
      const failure = ApiError.from(error);
      this.commandFailure.set(
        failure.code === 'SB_ERR_CONFLICT' && command.action === 'claim'
          ? new ApiError(failure.status, failure.code, 'Another agent claimed this conversation first.', [], failure.traceId)
          : failure,
      );
      // Whatever changed meanwhile, show the conversation as it is now.
      void this.refreshConversation(id, this.generation);
    } finally {
      this.busy.set(null);
    }
  }

  protected claimConversation(): Promise<void> {
    return this.runCommand({ action: 'claim' });
  }

  protected sendComposed(message: ComposedMessage): Promise<void> {
    const pending: PendingMessage = { clientId: newClientId(), text: message.text, files: message.files, isPrivate: message.isPrivate, createdAt: new Date().toISOString() };
    this.pending.update((all) => [...all, pending]);
    return this.deliver(pending);
  }

  protected retrySend(pending: PendingMessage): Promise<void> {
    this.pending.update((all) => all.map((item) => (item.clientId === pending.clientId ? { ...item, failure: undefined } : item)));
    return this.deliver(pending);
  }

  protected discardPending(pending: PendingMessage): void {
    this.pending.update((all) => all.filter((item) => item.clientId !== pending.clientId));
  }

  /** Sends a reply or note; a retry reuses its `clientId`, so the hub never sends it twice. */
  private async deliver(pending: PendingMessage): Promise<void> {
    const id = this.conversationId();
    const text = pending.text === '' ? {} : { text: pending.text };
    try {
      const sent = pending.isPrivate
        ? await this.api.addNote(id, { text: pending.text, clientId: pending.clientId })
        : await this.api.sendMessage(id, { ...text, clientId: pending.clientId, ...(pending.files.length > 0 ? { attachments: pending.files.map(({ mediaId }) => ({ mediaId })) } : {}) });
      if (id === this.conversationId()) this.messages.update((messages) => mergeMessages(messages, [sent]));
      this.pending.update((all) => all.filter((item) => item.clientId !== pending.clientId));
    } catch (error) {
      const failure = ApiError.from(error).message;
      this.pending.update((all) => all.map((item) => (item.clientId === pending.clientId ? { ...item, failure } : item)));
    }
  }

  private async open(id: string): Promise<void> {
    this.generation += 1;
    const generation = this.generation;
    this.store.openConversationId.set(id);
    this.messages.set([]);
    this.pending.set([]);
    this.hasMore.set(false);
    this.loadFailure.set(null);
    this.commandFailure.set(null);
    this.announcement.set('');
    try {
      const [conversation, page] = await Promise.all([this.api.conversation(id), this.api.messages(id, undefined, pageSize)]);
      if (generation !== this.generation) return;
      this.store.upsert(conversation);
      // Events that arrived while loading are merged, not lost.
      this.messages.update((messages) => mergeMessages(messages, page.items));
      this.hasMore.set(page.hasMore);
      if (this.document.visibilityState === 'visible') void this.store.markRead(id);
    } catch (error) {
      if (generation === this.generation) this.loadFailure.set(ApiError.from(error));
    }
  }

  private async refreshConversation(id: string, generation: number): Promise<void> {
    try {
      const conversation = await this.api.conversation(id);
      if (generation === this.generation) this.store.upsert(conversation);
    } catch {
      // The failure shown already says what went wrong.
    }
  }

  private receive(message: MessageView, isNew: boolean): void {
    if (message.conversationId !== this.conversationId()) return;
    const known = this.messages().some((existing) => existing.id === message.id);
    this.messages.update((messages) => mergeMessages(messages, [message]));
    if (!isNew || known) return;
    const mine = message.author.kind === 'agent' && message.author.id === this.me();
    if (!mine) this.announcement.set(`${message.isPrivate ? 'Note from' : 'New message from'} ${message.author.name ?? message.author.kind}: ${message.text ?? 'an attachment'}`);
    if (message.direction === 'inbound' && this.document.visibilityState === 'visible') void this.store.markRead(message.conversationId);
  }
}
