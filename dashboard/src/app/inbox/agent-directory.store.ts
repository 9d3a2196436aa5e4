import { computed, inject, Injectable, resource } from '@angular/core';
import type { MemberView } from '@switchboard/contracts';
import { SessionService } from '../auth/session.service';
import { TeamApi } from '../team/team.api';

const nobody: readonly MemberView[] = [];

/**
 * The workspace's people, for showing who holds a conversation and for picking whom to transfer
 * it to. Conversations name agents by their user id.
 */
@Injectable({ providedIn: 'root' })
export class AgentDirectoryStore {
  private readonly teamApi = inject(TeamApi);
  private readonly session = inject(SessionService);

  private readonly members = resource({
    params: () => (this.session.can('team.read') ? (this.session.me()?.user.id ?? undefined) : undefined),
    loader: () => this.teamApi.members(),
  });

  /** Members who may hold conversations, by name. */
  readonly agents = computed(() => (this.members.hasValue() ? [...this.members.value().items].sort((a, b) => a.name.localeCompare(b.name)) : nobody));
  private readonly names = computed(() => new Map(this.agents().map((member) => [member.userId, member.name])));

  /** "You", the member's name, or a neutral fallback for someone who left the workspace. Reactive. */
  nameOf(agentId: string | undefined): string {
    if (agentId === undefined) return 'Nobody';
    if (agentId === this.session.me()?.user.id) return 'You';
    return this.names().get(agentId) ?? 'Another agent';
  }
}
