import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import type { ChannelQr, ChannelStatusChanged, ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { type ChannelCard, newerStatus, toChannelCard } from './channel-state';
import { ChannelsApi } from './channels.api';

/**
 * The channels page's state: the listed channels, each updated live by `channel.status`, and
 * the latest `channel.qr` per channel (kept even before the channel is listed, because a new
 * WhatsApp session's first QR can arrive before the answer that created it). Provided by the
 * page, so it listens only while the page is open.
 */
@Injectable()
export class ChannelsStore {
  private readonly socket = inject(ConsoleSocketService);
  private readonly api = inject(ChannelsApi);

  private readonly views = signal<readonly ChannelView[]>([]);
  private readonly statuses = signal<ReadonlyMap<string, ChannelStatusChanged>>(new Map());
  private readonly qrs = signal<ReadonlyMap<string, ChannelQr>>(new Map());

  readonly isLoading = signal(false);
  readonly failure = signal<ApiError | null>(null);
  readonly channels = computed<readonly ChannelCard[]>(() => this.views().map((view) => toChannelCard(view, this.statuses().get(view.id))));

  constructor() {
    const subscriptions = [
      this.socket.on('channel.status').subscribe(({ data }) => {
        this.statuses.update((map) => new Map(map).set(data.channelId, newerStatus(map.get(data.channelId), data)));
      }),
      this.socket.on('channel.qr').subscribe(({ data }) => {
        this.qrs.update((map) => (map.get(data.channelId)?.at ?? '') > data.at ? map : new Map(map).set(data.channelId, data));
      }),
      // Events were missed and cannot be replayed: what the hub stored is the best we know.
      this.socket.resyncNeeded.subscribe(() => void this.load()),
    ];
    inject(DestroyRef).onDestroy(() => subscriptions.forEach((subscription) => subscription.unsubscribe()));
  }

  async load(): Promise<void> {
    this.isLoading.set(true);
    try {
      this.views.set((await this.api.list()).items);
      this.failure.set(null);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.isLoading.set(false);
    }
  }

  /** The card of one channel, live; undefined until it is listed. */
  channel(id: string): ChannelCard | undefined {
    return this.channels().find((card) => card.id === id);
  }

  /** The latest status event of a channel, listed or not. */
  status(id: string): ChannelStatusChanged | undefined {
    return this.statuses().get(id);
  }

  /** The QR a channel's session shows now; undefined before the first or once replaced by none. */
  qr(id: string): ChannelQr | undefined {
    return this.qrs().get(id);
  }

  /** Takes a channel the page just removed out of the list without a reload. */
  drop(id: string): void {
    this.views.update((list) => list.filter((item) => item.id !== id));
  }

  /** Puts a channel the page just created or changed into the list without a reload. */
  upsert(view: ChannelView): void {
    this.views.update((list) => (list.some((item) => item.id === view.id) ? list.map((item) => (item.id === view.id ? view : item)) : [...list, view]));
  }
}
