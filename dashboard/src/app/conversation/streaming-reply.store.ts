import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ConsoleSocketService } from '../realtime/console-socket.service';

/** A stream whose stored message never came (a lost event) stops showing after this. */
const streamExpiryMs = 20_000;

/**
 * The bot's replies as the model writes them (`reply.streaming`), per conversation, until the
 * stored message arrives (`message.created` from the bot) and takes their place.
 */
@Injectable({ providedIn: 'root' })
export class StreamingReplyStore {
  private readonly replies = signal<ReadonlyMap<string, { text: string; until: number }>>(new Map());

  constructor() {
    const socket = inject(ConsoleSocketService);
    const destroyRef = inject(DestroyRef);
    socket.on('reply.streaming').pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => {
      if (data.text === '') return;
      this.replies.update((all) => new Map(all).set(data.conversationId, { text: data.text, until: Date.now() + streamExpiryMs }));
      setTimeout(() => this.expire(), streamExpiryMs + 50);
    });
    socket.on('message.created').pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => {
      if (data.message.author.kind !== 'bot' || !this.replies().has(data.message.conversationId)) return;
      this.replies.update((all) => {
        const next = new Map(all);
        next.delete(data.message.conversationId);
        return next;
      });
    });
  }

  /** The reply being written in the conversation, or null. Reactive. */
  textFor(conversationId: string): string | null {
    return this.replies().get(conversationId)?.text ?? null;
  }

  private expire(): void {
    const now = Date.now();
    this.replies.update((all) => new Map([...all].filter(([, reply]) => reply.until > now)));
  }
}
