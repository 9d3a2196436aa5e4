import { computed, inject, Injectable, resource } from '@angular/core';
import type { CannedResponseView } from '@switchboard/contracts';
import { SessionService } from '../auth/session.service';
import { CannedResponsesApi } from './canned-responses.api';

const none: readonly CannedResponseView[] = [];

/**
 * The workspace's canned responses, loaded once per session for the composer's `/` list and
 * reloaded after the management page changes them.
 */
@Injectable({ providedIn: 'root' })
export class CannedResponsesStore {
  private readonly api = inject(CannedResponsesApi);
  private readonly session = inject(SessionService);

  private readonly list = resource({
    params: () => (this.session.can('conversation.read') ? (this.session.me()?.user.id ?? undefined) : undefined),
    loader: () => this.api.list(),
  });

  readonly items = computed(() => (this.list.hasValue() ? this.list.value().items : none));
  readonly isLoading = this.list.isLoading;
  readonly error = this.list.error;

  reload(): void {
    this.list.reload();
  }

  /** Tries again after a failed load (e.g. while the hub restarted); the composer calls it on `/`. */
  retryIfFailed(): void {
    if (this.list.error() !== undefined) this.list.reload();
  }
}
