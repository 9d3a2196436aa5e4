import { Component, computed, inject } from '@angular/core';
import { PresenceStore } from './presence.store';

const shownAtMost = 6;

/** Colleagues connected now, as initials with their name and status on hover and for screen readers. */
@Component({
  selector: 'sb-teammates-online',
  template: `
    @let all = presence.teammates();
    <span class="label" id="teammates-label">Team</span>
    @if (all.length === 0) {
      <span class="sb-muted none">Nobody else online</span>
    } @else {
      <ul aria-labelledby="teammates-label" data-testid="teammates-online">
        @for (agent of shown(); track agent.agentId) {
          <li [title]="(agent.name ?? 'A colleague') + ' · ' + agent.status" [attr.data-status]="agent.status">
            <span aria-hidden="true">{{ initials(agent.name) }}</span>
            <span class="sb-visually-hidden">{{ agent.name ?? 'A colleague' }}, {{ agent.status }}</span>
          </li>
        }
        @if (all.length > shown().length) {
          <li class="more">+{{ all.length - shown().length }}<span class="sb-visually-hidden"> more</span></li>
        }
      </ul>
    }
  `,
  styles: `
    :host { display: inline-flex; align-items: center; gap: 8px; font-size: 0.8rem; }
    .label { color: var(--sb-text-muted); font-weight: 600; }
    ul { display: flex; margin: 0; padding: 0; list-style: none; }
    li { display: grid; place-items: center; width: 28px; height: 28px; margin-left: -4px; border: 2px solid #16a34a; border-radius: 50%; background: var(--sb-surface-sunken); font-size: 0.7rem; font-weight: 700; }
    li[data-status='away'] { border-color: #d97706; }
    li.more { border-color: var(--sb-border-strong); }
  `,
})
export class TeammatesOnlineComponent {
  protected readonly presence = inject(PresenceStore);

  protected readonly shown = computed(() => this.presence.teammates().slice(0, shownAtMost));

  protected initials(name: string | undefined): string {
    const parts = (name ?? '?').trim().split(/\s+/);
    return parts.map((part) => part.charAt(0)).join('').slice(0, 2).toUpperCase() || '?';
  }
}
