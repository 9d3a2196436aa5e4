import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { SessionService } from '../auth/session.service';
import type { ConsoleEventMessage } from '../realtime/console-event';
import { ConsoleSocketService } from '../realtime/console-socket.service';

/** A typist whose `typing.stopped` never came (closed tab, lost link) stops showing after this. */
const typingExpiryMs = 8_000;

interface Typist {
  readonly key: string;
  readonly label: string;
  readonly until: number;
}

/**
 * Who is typing in which conversation: the customer, or colleagues (never the signed-in agent),
 * from `typing.started` / `typing.stopped`, each forgotten after a few silent seconds.
 */
@Injectable({ providedIn: 'root' })
export class TypingStore {
  private readonly session = inject(SessionService);
  private readonly typists = signal<ReadonlyMap<string, readonly Typist[]>>(new Map());
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const socket = inject(ConsoleSocketService);
    const destroyRef = inject(DestroyRef);
    socket.on('typing.started').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => this.started(event));
    socket.on('typing.stopped').pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => this.stopped(event));
  }

  /** "Customer is typing…", "Ana is typing…": the sentence for a conversation, or null. Reactive. */
  sentenceFor(conversationId: string): string | null {
    const labels = (this.typists().get(conversationId) ?? []).map((typist) => typist.label);
    if (labels.length === 0) return null;
    if (labels.length === 1) return `${labels[0]} is typing…`;
    return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} are typing…`;
  }

  private keyOf({ data }: Extract<ConsoleEventMessage, { type: 'typing.started' | 'typing.stopped' }>): string {
    return data.author === 'customer' ? 'customer' : `agent:${data.agentId ?? ''}`;
  }

  private started(event: Extract<ConsoleEventMessage, { type: 'typing.started' }>): void {
    const { data } = event;
    if (data.author === 'agent' && data.agentId === this.session.me()?.user.id) return;
    const key = this.keyOf(event);
    const typist: Typist = { key, label: data.author === 'customer' ? 'Customer' : (data.agentName ?? 'A colleague'), until: Date.now() + typingExpiryMs };
    this.typists.update((all) => {
      const others = (all.get(data.conversationId) ?? []).filter((existing) => existing.key !== key);
      return new Map(all).set(data.conversationId, [...others, typist]);
    });
    this.scheduleSweep();
  }

  private stopped(event: Extract<ConsoleEventMessage, { type: 'typing.stopped' }>): void {
    const key = this.keyOf(event);
    this.typists.update((all) => {
      const remaining = (all.get(event.data.conversationId) ?? []).filter((existing) => existing.key !== key);
      const next = new Map(all);
      if (remaining.length === 0) next.delete(event.data.conversationId);
      else next.set(event.data.conversationId, remaining);
      return next;
    });
  }

  private scheduleSweep(): void {
    clearTimeout(this.sweepTimer);
    const soonest = Math.min(...[...this.typists().values()].flat().map((typist) => typist.until));
    if (!Number.isFinite(soonest)) return;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, soonest - Date.now()) + 50);
  }

  private sweep(): void {
    const now = Date.now();
    this.typists.update((all) => {
      const next = new Map<string, readonly Typist[]>();
      for (const [conversationId, typists] of all) {
        const current = typists.filter((typist) => typist.until > now);
        if (current.length > 0) next.set(conversationId, current);
      }
      return next;
    });
    this.scheduleSweep();
  }
}
