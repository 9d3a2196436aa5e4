import { Component, computed, inject, input, output, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ConversationView } from '@switchboard/contracts';
import { type ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { AgentDirectoryStore } from '../inbox/agent-directory.store';
import { ChannelBadgeComponent } from '../inbox/channel-badge.component';
import { statusLabels } from '../inbox/channel-labels';
import { contactNameOf } from '../inbox/conversation-row.component';
import type { ConversationAction } from '../inbox/inbox.api';
import { actionsFor } from './conversation-actions';

/** A command the header asks the page to run: one of the plain actions, or a transfer to an agent. */
export type HeaderCommand = { readonly action: ConversationAction } | { readonly action: 'transfer'; readonly agentId: string };

/**
 * Who the conversation is with, on which channel, its status and holder, and the commands that
 * fit: claim, release, transfer (pick a colleague), close, reopen.
 */
@Component({
  selector: 'sb-conversation-header',
  imports: [RouterLink, ChannelBadgeComponent, FormAlertComponent],
  templateUrl: './conversation-header.component.html',
  styles: `
    :host { display: block; flex: none; padding: 12px 16px; border-bottom: 1px solid var(--sb-border); }
    .head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; }
    .who { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; min-width: 0; }
    h2 { font-size: 1.1rem; font-weight: 700; }
    .status { color: var(--sb-text-muted); font-size: 0.85rem; }
    .back { display: none; margin-right: 4px; }
    .transfer { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-top: 10px; }
    .transfer select { width: auto; min-height: 32px; padding: 4px 8px; }
    sb-form-alert { margin-top: 10px; }
    @media (max-width: 899.98px) { .back { display: inline-flex; } }
  `,
})
export class ConversationHeaderComponent {
  private readonly session = inject(SessionService);
  protected readonly directory = inject(AgentDirectoryStore);

  readonly conversation = input.required<ConversationView>();
  /** The inbox tab to go back to on narrow screens. */
  readonly tab = input<string | undefined>(undefined);
  /** The command running now, to disable the buttons and say what is happening. */
  readonly busy = input<string | null>(null);
  readonly failure = input<ApiError | null>(null);
  readonly command = output<HeaderCommand>();

  protected readonly statusLabels = statusLabels;
  protected readonly choosingAgent = signal(false);
  protected readonly chosenAgent = signal('');

  private readonly me = computed(() => this.session.me()?.user.id ?? '');
  protected readonly contactName = computed(() => contactNameOf(this.conversation()));
  protected readonly actions = computed(() =>
    actionsFor(this.conversation(), this.me(), { claim: this.session.can('conversation.claim'), manage: this.session.can('conversation.manage') }),
  );
  protected readonly holder = computed(() => {
    const conversation = this.conversation();
    return conversation.status === 'agent' ? this.directory.nameOf(conversation.assignedAgentId) : null;
  });
  /** Colleagues to transfer to: everyone but the agent holding it now. */
  protected readonly transferTargets = computed(() => {
    const holder = this.conversation().assignedAgentId;
    return this.directory.agents().filter((agent) => agent.userId !== holder);
  });

  protected run(action: ConversationAction): void {
    this.command.emit({ action });
  }

  protected startTransfer(): void {
    this.chosenAgent.set('');
    this.choosingAgent.set(true);
  }

  protected pickAgent(event: Event): void {
    this.chosenAgent.set((event.target as HTMLSelectElement).value);
  }

  protected confirmTransfer(): void {
    const agentId = this.chosenAgent();
    if (agentId === '') return;
    this.choosingAgent.set(false);
    this.command.emit({ action: 'transfer', agentId });
  }
}
