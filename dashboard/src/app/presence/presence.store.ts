import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { PresenceView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { ConsoleSocketService } from '../realtime/console-socket.service';

/** What an agent may set for themselves; `offline` is what the hub says of the disconnected. */
export type OwnPresence = 'online' | 'away';

/**
 * Who of the team is connected, and the signed-in agent's own availability. The list comes from
 * `presence.list` on every (re)connection and follows `presence.updated` afterwards.
 */
@Injectable({ providedIn: 'root' })
export class PresenceStore {
  private readonly socket = inject(ConsoleSocketService);
  private readonly session = inject(SessionService);

  private readonly agents = signal<ReadonlyMap<string, PresenceView>>(new Map());
  private readonly own = signal<OwnPresence>('online');

  readonly status = this.own.asReadonly();
  readonly failure = signal<ApiError | null>(null);
  readonly saving = signal(false);
  /** Teammates connected now (online first, then away), without the signed-in agent. */
  readonly teammates = computed(() => {
    const me = this.session.me()?.user.id;
    return [...this.agents().values()]
      .filter((agent) => agent.agentId !== me && agent.status !== 'offline')
      .sort((a, b) => (a.status === b.status ? (a.name ?? '').localeCompare(b.name ?? '') : a.status === 'online' ? -1 : 1));
  });

  constructor() {
    effect(() => {
      if (this.socket.isOnline()) untracked(() => void this.refresh());
    });
    effect(() => {
      this.session.me();
      untracked(() => {
        this.agents.set(new Map());
        this.own.set('online');
      });
    });
    this.socket
      .on('presence.updated')
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(({ data }) => this.agents.update((agents) => new Map(agents).set(data.agentId, data)));
  }

  /** Sets the agent's availability; on refusal the toggle goes back and says why. */
  async setStatus(status: OwnPresence): Promise<void> {
    const previous = this.own();
    this.own.set(status);
    this.saving.set(true);
    this.failure.set(null);
    try {
      await this.socket.command('presence.set', { status });
    } catch (error) {
      this.own.set(previous);
      this.failure.set(ApiError.from(error));
    } finally {
      this.saving.set(false);
    }
  }

  private async refresh(): Promise<void> {
    try {
      const { items } = await this.socket.command('presence.list', {});
      this.agents.set(new Map(items.map((agent) => [agent.agentId, agent])));
      const me = this.session.me()?.user.id;
      // An agent who chose "away" here stays away across reconnections; a freshly loaded console
      // takes what the hub remembers (e.g. away, set from another tab).
      if (this.own() === 'away') await this.socket.command('presence.set', { status: 'away' });
      else if (items.some((agent) => agent.agentId === me && agent.status === 'away')) this.own.set('away');
    } catch {
      // The list stays as it was; presence.updated events keep arriving.
    }
  }
}
