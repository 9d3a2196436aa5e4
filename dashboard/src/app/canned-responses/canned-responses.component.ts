import { Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { CannedResponseView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { CannedResponseFormComponent } from './canned-response-form.component';
import { CannedResponsesApi } from './canned-responses.api';
import { CannedResponsesStore } from './canned-responses.store';

/**
 * The workspace's canned responses for admins: add, edit in place, delete after a confirmation.
 * Agents use them by typing `/` and the shortcut in the inbox's reply box.
 */
@Component({
  selector: 'sb-canned-responses',
  imports: [RouterLink, FormAlertComponent, AutofocusDirective, CannedResponseFormComponent],
  template: `
    <header class="sb-page-header">
      <div>
        <h1>Canned responses</h1>
        <p>Saved replies agents insert by typing / and a shortcut in the reply box. <a routerLink="/inbox">Back to the inbox</a></p>
      </div>
    </header>

    <section class="sb-card" aria-labelledby="canned-add-heading">
      <h2 id="canned-add-heading">Add a response</h2>
      <p>Shortcuts are unique in the workspace.</p>
      <sb-canned-response-form (saved)="refresh()" />
    </section>

    <section class="sb-card" aria-labelledby="canned-list-heading">
      <h2 id="canned-list-heading">Responses</h2>
      <p>{{ store.items().length }} saved</p>
      <sb-form-alert [error]="failure()" />
      @if (store.isLoading() && store.items().length === 0) {
        <p class="sb-muted" role="status">Loading canned responses…</p>
      } @else {
        <ul class="responses" data-testid="canned-list">
          @for (response of store.items(); track response.id) {
            <li data-testid="canned-item" [attr.data-shortcut]="response.shortcut">
              @if (editingId() === response.id) {
                <sb-canned-response-form [editing]="response" (saved)="finishEditing()" (cancelled)="editingId.set(null)" />
              } @else {
                <div class="summary">
                  <code class="sb-mono">/{{ response.shortcut }}</code>
                  <p>{{ response.text }}</p>
                </div>
                <div class="sb-actions">
                  @if (confirmingId() === response.id) {
                    <span>Delete /{{ response.shortcut }}?</span>
                    <button class="sb-button small danger" type="button" [disabled]="busyId() === response.id" (click)="deleteResponse(response)" data-testid="canned-delete-confirm">Delete</button>
                    <button class="sb-button small secondary" type="button" sbAutofocus (click)="confirmingId.set(null)">Keep</button>
                  } @else {
                    <button class="sb-button small secondary" type="button" (click)="editingId.set(response.id)" data-testid="canned-edit">
                      Edit<span class="sb-visually-hidden"> /{{ response.shortcut }}</span>
                    </button>
                    <button class="sb-button small secondary" type="button" (click)="confirmingId.set(response.id)" data-testid="canned-delete">
                      Delete<span class="sb-visually-hidden"> /{{ response.shortcut }}</span>
                    </button>
                  }
                </div>
              }
            </li>
          } @empty {
            <li class="sb-muted" data-testid="canned-empty">No canned responses yet.</li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    .responses { display: grid; gap: 0; margin: 0; padding: 0; list-style: none; }
    .responses > li { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 12px; padding: 14px 0; border-top: 1px solid var(--sb-border); }
    .responses > li > sb-canned-response-form { flex: 1; }
    .summary { flex: 1 1 320px; min-width: 0; }
    .summary code { padding: 2px 6px; border-radius: 4px; background: var(--sb-surface-sunken); }
    .summary p { margin-top: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
  `,
})
export class CannedResponsesComponent {
  private readonly api = inject(CannedResponsesApi);
  protected readonly store = inject(CannedResponsesStore);

  protected readonly editingId = signal<string | null>(null);
  protected readonly confirmingId = signal<string | null>(null);
  protected readonly busyId = signal<string | null>(null);
  protected readonly failure = signal<ApiError | null>(null);

  constructor() {
    // Fresh on every visit: another admin may have changed them.
    this.store.reload();
  }

  protected refresh(): void {
    this.store.reload();
  }

  protected finishEditing(): void {
    this.editingId.set(null);
    this.store.reload();
  }

  protected async deleteResponse(response: CannedResponseView): Promise<void> {
    this.busyId.set(response.id);
    this.failure.set(null);
    try {
      await this.api.remove(response.id);
      this.confirmingId.set(null);
      this.store.reload();
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.busyId.set(null);
    }
  }
}
