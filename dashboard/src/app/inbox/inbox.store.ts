import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ConversationView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import type { ConsoleEventMessage } from '../realtime/console-event';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { InboxApi } from './inbox.api';
import {
  conversationChanged,
  conversationRead,
  countsLoaded,
  emptyInbox,
  type InboxChange,
  type InboxState,
  messageArrived,
  pageLoaded,
  type ShownTab,
  shownTabs,
  type TabList,
} from './inbox-state';

const pageSize = 50;
/** Several events in a row about unseen conversations cause one counts request, not many. */
const countsRefreshDelayMs = 1_000;

/**
 * The inbox, live: each tab's conversations (paged by cursor), the tab counts, and the
 * conversation open beside the list. Pages come from REST; console events move conversations
 * between tabs and adjust counts as they happen (see `inbox-state.ts`). After a reconnect whose
 * missed events are gone, every loaded tab and the counts are fetched again.
 */
@Injectable({ providedIn: 'root' })
export class InboxStore {
  private readonly api = inject(InboxApi);
  private readonly session = inject(SessionService);
  private readonly socket = inject(ConsoleSocketService);

  private readonly state = signal<InboxState>(emptyInbox());
  private readonly loadingTabs = signal<ReadonlySet<ShownTab>>(new Set());
  private readonly tabFailures = signal<Partial<Record<ShownTab, ApiError>>>({});
  private countsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on reset, so that answers to requests made for a previous session are dropped. */
  private generation = 0;

  /** The signed-in agent's id, which decides what "mine" means. */
  readonly me = computed(() => this.session.me()?.user.id ?? '');
  readonly counts = computed(() => this.state().counts);
  /** The conversation shown beside the list, if any; set by the conversation view. */
  readonly openConversationId = signal<string | null>(null);

  constructor() {
    effect(() => {
      this.me();
      untracked(() => this.reset());
    });
    const destroyRef = inject(DestroyRef);
    this.socket.events.pipe(takeUntilDestroyed(destroyRef)).subscribe((event) => this.apply(event));
    this.socket.resyncNeeded.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.reloadAll());
  }

  /** One tab's list. Reactive: read it in templates and computeds. */
  tabList(tab: ShownTab): TabList {
    return this.state().tabs[tab];
  }

  isLoading(tab: ShownTab): boolean {
    return this.loadingTabs().has(tab);
  }

  failureOf(tab: ShownTab): ApiError | null {
    return this.tabFailures()[tab] ?? null;
  }

  /** The latest known view of a conversation, from a page or an event. */
  conversation(id: string): ConversationView | undefined {
    return this.state().known.get(id);
  }

  /** Loads the first page of `tab` unless it is already there, and the counts once. */
  async open(tab: ShownTab): Promise<void> {
    if (this.state().counts === null) void this.loadCounts();
    if (!this.state().tabs[tab].loaded) await this.fetch(tab, undefined);
  }

  /** The next page of `tab`, when there is one and none is on its way. */
  async loadMore(tab: ShownTab): Promise<void> {
    const cursor = this.state().tabs[tab].nextCursor;
    if (cursor !== undefined) await this.fetch(tab, cursor);
  }

  async reload(tab: ShownTab): Promise<void> {
    await this.fetch(tab, undefined);
  }

  /** A command's answer (claim, close…): the conversation as the hub now holds it. */
  upsert(conversation: ConversationView): void {
    this.commit(conversationChanged(this.state(), conversation, this.me()));
  }

  /** Zeroes the unread badge at once and tells the hub; a failure only leaves the badge to the next event. */
  async markRead(conversationId: string): Promise<void> {
    this.state.update((state) => conversationRead(state, conversationId, this.me()));
    try {
      await this.api.markRead(conversationId);
    } catch {
      // Reading is a courtesy to the counters; the next update from the hub corrects them.
    }
  }

  async loadCounts(): Promise<void> {
    const generation = this.generation;
    try {
      const counts = await this.api.counts();
      if (generation === this.generation) this.state.update((state) => countsLoaded(state, counts));
    } catch {
      // The tabs show no number rather than a wrong one; the next refresh tries again.
    }
  }

  private async fetch(tab: ShownTab, cursor: string | undefined): Promise<void> {
    if (this.isLoading(tab)) return;
    const generation = this.generation;
    this.loadingTabs.update((tabs) => new Set(tabs).add(tab));
    this.tabFailures.update(({ [tab]: _previous, ...rest }) => rest);
    try {
      const page = await this.api.conversations(tab, cursor, pageSize);
      if (generation !== this.generation) return;
      this.state.update((state) => pageLoaded(state, tab, page, this.me(), cursor !== undefined));
    } catch (error) {
      if (generation === this.generation) this.tabFailures.update((failures) => ({ ...failures, [tab]: ApiError.from(error) }));
    } finally {
      if (generation === this.generation) {
        this.loadingTabs.update((tabs) => {
          const rest = new Set(tabs);
          rest.delete(tab);
          return rest;
        });
      }
    }
  }

  private async reloadAll(): Promise<void> {
    const loaded = shownTabs.filter((tab) => this.state().tabs[tab].loaded);
    await Promise.all([this.loadCounts(), ...loaded.map((tab) => this.fetch(tab, undefined))]);
  }

  private apply(event: ConsoleEventMessage): void {
    switch (event.type) {
      case 'conversation.created':
        this.commit(conversationChanged(this.state(), event.data.conversation, this.me(), true));
        return;
      case 'conversation.updated':
      case 'conversation.closed':
      case 'conversation.assigned':
      case 'conversation.released':
      case 'handoff.requested':
        this.upsert(event.data.conversation);
        return;
      case 'message.created': {
        const change = messageArrived(this.state(), event.data.message, this.me(), this.openConversationId());
        if (change === null) void this.fetchUnknown(event.data.message.conversationId);
        else this.commit(change);
        return;
      }
      default:
        return;
    }
  }

  /** A message for a conversation not seen yet (beyond the loaded pages): fetch it to place it. */
  private async fetchUnknown(conversationId: string): Promise<void> {
    const generation = this.generation;
    try {
      const conversation = await this.api.conversation(conversationId);
      if (generation === this.generation) this.upsert(conversation);
    } catch {
      // Gone or not visible to this agent: nothing to show.
    }
  }

  private commit(change: InboxChange): void {
    this.state.set(change.state);
    if (change.countsUncertain) {
      clearTimeout(this.countsTimer);
      this.countsTimer = setTimeout(() => void this.loadCounts(), countsRefreshDelayMs);
    }
  }

  private reset(): void {
    this.generation += 1;
    clearTimeout(this.countsTimer);
    this.state.set(emptyInbox());
    this.loadingTabs.set(new Set());
    this.tabFailures.set({});
    this.openConversationId.set(null);
  }
}
