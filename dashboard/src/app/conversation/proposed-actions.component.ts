import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ActionList, ActionView } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import type { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ConsoleSocketService } from '../realtime/console-socket.service';

const kindLabels: Record<ActionView['kind'], string> = {
  crm_note: 'CRM note',
  task: 'Task',
  booking_request: 'Booking request',
  order: 'Order',
  email_draft: 'Email draft',
};

/**
 * The actions the bot proposed in this conversation: each waits for an agent to confirm or
 * reject it, once. Live: proposals and decisions from other consoles arrive without a reload.
 */
@Component({
  selector: 'sb-proposed-actions',
  imports: [FormAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (actions().length > 0) {
      <section class="actions" aria-label="Actions the bot proposed" data-testid="proposed-actions">
        <ul>
          @for (action of actions(); track action.id) {
            <li [attr.data-status]="action.status" data-testid="proposed-action">
              <span class="kind">{{ kindLabels[action.kind] }}</span>
              <span class="summary">{{ action.summary }}</span>
              @for (field of fieldsOf(action); track field[0]) {
                <span class="field">{{ field[0] }}: {{ field[1] }}</span>
              }
              @if (action.status === 'proposed') {
                @if (canDecide()) {
                  <span class="sb-actions">
                    <button class="sb-button small" type="button" [disabled]="busy() === action.id" (click)="decide(action, 'confirm')" data-testid="confirm-action">Confirm</button>
                    <button class="sb-button small secondary" type="button" [disabled]="busy() === action.id" (click)="decide(action, 'reject')" data-testid="reject-action">Reject</button>
                  </span>
                }
              } @else {
                <span class="decided" role="status">{{ action.status === 'confirmed' ? 'Confirmed' : 'Rejected' }}</span>
              }
            </li>
          }
        </ul>
        @if (failure(); as failure) {
          <sb-form-alert [error]="failure" />
        }
      </section>
    }
  `,
  styles: `
    .actions { flex: none; margin: 0 16px 8px; padding: 8px 12px; border: 1px solid var(--sb-border, #e5e7eb); border-radius: 8px; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
    li { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
    .kind { font-weight: 600; }
    .field, .decided { color: var(--sb-text-muted); font-size: 0.85rem; }
    li[data-status='rejected'] .summary { text-decoration: line-through; }
  `,
})
export class ProposedActionsComponent {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  readonly conversationId = input.required<string>();

  protected readonly kindLabels = kindLabels;
  protected readonly actions = signal<readonly ActionView[]>([]);
  protected readonly busy = signal<string | null>(null);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly canDecide = () => this.session.can('conversation.reply');

  constructor() {
    const socket = inject(ConsoleSocketService);
    const destroyRef = inject(DestroyRef);
    effect(() => {
      const id = this.conversationId();
      this.actions.set([]);
      void apiCall(this.http.get<ActionList>(`/api/v1/conversations/${id}/actions`))
        .then((list) => { if (this.conversationId() === id) this.actions.set(list.items); })
        .catch((error: ApiError) => this.failure.set(error));
    });
    for (const name of ['action.proposed', 'action.confirmed', 'action.rejected'] as const) {
      socket.on(name).pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => this.apply(data.action));
    }
  }

  protected fieldsOf(action: ActionView): Array<[string, string]> {
    return Object.entries(action.fields).map(([key, value]) => [key, String(value)]);
  }

  protected async decide(action: ActionView, decision: 'confirm' | 'reject'): Promise<void> {
    this.busy.set(action.id);
    this.failure.set(null);
    try {
      this.apply(await apiCall(this.http.post<ActionView>(`/api/v1/actions/${action.id}/${decision}`, {})));
    } catch (error) {
      this.failure.set(error as ApiError);
    } finally {
      this.busy.set(null);
    }
  }

  private apply(action: ActionView): void {
    if (action.conversationId !== this.conversationId()) return;
    this.actions.update((all) => all.some((item) => item.id === action.id) ? all.map((item) => (item.id === action.id ? action : item)) : [...all, action]);
  }
}
