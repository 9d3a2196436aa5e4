import { DatePipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import type { KnowledgeDocumentView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { KnowledgeDocumentsStore } from './knowledge-documents.store';
import { KnowledgePlaygroundComponent } from './knowledge-playground.component';
import { KnowledgeApi } from './knowledge.api';

const formatLabels: Record<KnowledgeDocumentView['format'], string> = {
  text: 'Text', markdown: 'Markdown', csv: 'CSV FAQ', pdf: 'PDF', docx: 'Word', html: 'Web page',
};
const statusLabels: Record<KnowledgeDocumentView['status'], string> = {
  queued: 'Queued', processing: 'Indexing', ready: 'Ready', failed: 'Failed',
};

/**
 * The knowledge base for admins: upload files (drop or pick) and web pages, watch each document
 * being indexed live, delete documents, re-embed everything, and test what a question finds.
 */
@Component({
  selector: 'sb-knowledge',
  imports: [DatePipe, FormAlertComponent, AutofocusDirective, KnowledgePlaygroundComponent],
  providers: [KnowledgeDocumentsStore],
  template: `
    <header class="sb-page-header">
      <div>
        <h1>Knowledge</h1>
        <p>The documents your bot answers from, citing them as sources. PDF, Word (DOCX), HTML, Markdown, text and question,answer CSV files up to 10 MB, or a web page by its address.</p>
      </div>
    </header>

    <section class="sb-card" aria-labelledby="kb-add-heading">
      <h2 id="kb-add-heading">Add documents</h2>
      <div class="drop" [class.over]="dragging()" (dragover)="allowDrop($event)" (dragleave)="dragging.set(false)" (drop)="dropFiles($event)" data-testid="kb-drop">
        <p>Drop files here, or</p>
        <label class="sb-button secondary" for="kb-files">Choose files</label>
        <input id="kb-files" class="sb-visually-hidden" type="file" multiple accept=".pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv" (change)="pickFiles($event)" data-testid="kb-file-input" />
      </div>
      @if (uploading() > 0) {
        <p class="sb-muted" role="status">Uploading {{ uploading() }} file(s)…</p>
      }
      <form class="sb-form url" (submit)="importUrl($event)" aria-label="Import a web page" data-testid="kb-url-form">
        <div class="sb-field">
          <label class="sb-label" for="kb-url">Web page address</label>
          <input id="kb-url" class="sb-input" type="url" inputmode="url" autocomplete="url" placeholder="https://example.com/faq" aria-describedby="kb-url-hint"
            [value]="url()" (input)="url.set(inputValue($event))" data-testid="kb-url" />
          <p class="sb-hint" id="kb-url-hint">Public http or https pages, read once; import again to refresh.</p>
        </div>
        <div class="sb-actions">
          <button class="sb-button" type="submit" [disabled]="importing() || url().trim() === ''" data-testid="kb-url-import">{{ importing() ? 'Importing…' : 'Import' }}</button>
        </div>
      </form>
      <sb-form-alert [error]="addFailure()" />
    </section>

    <section class="sb-card" aria-labelledby="kb-list-heading">
      <div class="list-header">
        <div>
          <h2 id="kb-list-heading">Documents</h2>
          <p>
            {{ store.items().length }} document(s), {{ readyCount() }} ready ·
            <span data-testid="kb-live" [attr.data-online]="socket.isOnline()">{{ socket.isOnline() ? 'progress updates live' : 'live updates reconnecting…' }}</span>
          </p>
        </div>
        <div class="sb-actions">
          @if (confirmingReembed()) {
            <span>Index every document again? Answers come back as each one is done.</span>
            <button class="sb-button small" type="button" [disabled]="reembedding()" (click)="reembedAll()" data-testid="kb-reembed-confirm">Re-embed all</button>
            <button class="sb-button small secondary" type="button" sbAutofocus (click)="confirmingReembed.set(false)">Cancel</button>
          } @else {
            <button class="sb-button small secondary" type="button" [disabled]="store.items().length === 0" (click)="confirmingReembed.set(true)" data-testid="kb-reembed">Re-embed all</button>
          }
        </div>
      </div>
      <sb-form-alert [error]="listFailure() ?? store.failure()" />
      @if (store.isLoading() && store.items().length === 0) {
        <p class="sb-muted" role="status">Loading documents…</p>
      } @else {
        <ul class="documents" data-testid="kb-list">
          @for (doc of store.items(); track doc.id) {
            <li data-testid="kb-item" [attr.data-source]="doc.source" [attr.data-status]="doc.status">
              <div class="summary">
                <p class="source">{{ doc.source }}</p>
                <p class="sb-muted details">
                  {{ formatLabel(doc) }} · version {{ doc.version }} · {{ doc.chunkCount }} chunk(s) · updated {{ doc.updatedAt | date: 'short' }}
                </p>
                <div class="status">
                  <span class="badge" [attr.data-status]="doc.status">{{ statusLabel(doc) }}</span>
                  @if (doc.status === 'queued' || doc.status === 'processing') {
                    <progress max="100" [value]="percent(doc)" [attr.aria-label]="'Indexing ' + doc.source" [attr.aria-valuetext]="doc.chunksDone + ' of ' + doc.chunkCount + ' chunks'" data-testid="kb-progress"></progress>
                    <span class="sb-muted">{{ doc.chunksDone }} / {{ doc.chunkCount }}</span>
                  }
                  @if (doc.failureReason) {
                    <span class="reason" data-testid="kb-failure">{{ doc.failureReason }}</span>
                  }
                </div>
              </div>
              <div class="sb-actions">
                @if (confirmingId() === doc.id) {
                  <span>Delete {{ doc.source }}?</span>
                  <button class="sb-button small danger" type="button" [disabled]="busyId() === doc.id" (click)="deleteDocument(doc)" data-testid="kb-delete-confirm">Delete</button>
                  <button class="sb-button small secondary" type="button" sbAutofocus (click)="confirmingId.set(null)">Keep</button>
                } @else {
                  <button class="sb-button small secondary" type="button" (click)="confirmingId.set(doc.id)" data-testid="kb-delete">
                    Delete<span class="sb-visually-hidden"> {{ doc.source }}</span>
                  </button>
                }
              </div>
            </li>
          } @empty {
            <li class="sb-muted" data-testid="kb-empty">No documents yet. Add your FAQ, policies or product guides above.</li>
          }
        </ul>
      }
    </section>

    <section class="sb-card" aria-labelledby="kb-test-heading">
      <h2 id="kb-test-heading">Test a question</h2>
      <p>See which passages the bot would draw on, best first, with their scores (1 is a perfect match).</p>
      <sb-knowledge-playground />
    </section>
  `,
  styles: `
    .drop { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: 12px; padding: 28px 16px; border: 2px dashed var(--sb-border); border-radius: 8px; text-align: center; }
    .drop.over { border-color: var(--sb-primary); background: var(--sb-primary-soft); }
    .drop p { margin: 0; }
    .drop:focus-within { outline: 2px solid var(--sb-focus-ring); outline-offset: 2px; }
    .url { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; margin-top: 16px; }
    .url .sb-field { flex: 1 1 320px; }
    .url .sb-actions { padding-top: 26px; }
    .list-header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: flex-start; gap: 12px; }
    .documents { display: grid; margin: 0; padding: 0; list-style: none; }
    .documents > li { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 12px; padding: 14px 0; border-top: 1px solid var(--sb-border); }
    .summary { flex: 1 1 320px; min-width: 0; }
    .source { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
    .details { margin: 2px 0 6px; }
    .status { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
    .badge { padding: 1px 8px; border-radius: 999px; font-size: 0.85em; background: var(--sb-surface-sunken); }
    .badge[data-status='ready'] { background: var(--sb-success-soft); color: var(--sb-success-text); }
    .badge[data-status='failed'] { background: var(--sb-danger-soft); color: var(--sb-danger); }
    .badge[data-status='processing'], .badge[data-status='queued'] { background: var(--sb-primary-soft); }
    progress { width: 160px; accent-color: var(--sb-primary); }
    .reason { color: var(--sb-danger); }
  `,
})
export class KnowledgeComponent {
  private readonly api = inject(KnowledgeApi);
  protected readonly store = inject(KnowledgeDocumentsStore);
  protected readonly socket = inject(ConsoleSocketService);

  protected readonly dragging = signal(false);
  protected readonly uploading = signal(0);
  protected readonly url = signal('');
  protected readonly importing = signal(false);
  protected readonly addFailure = signal<ApiError | null>(null);
  protected readonly listFailure = signal<ApiError | null>(null);
  protected readonly confirmingId = signal<string | null>(null);
  protected readonly busyId = signal<string | null>(null);
  protected readonly confirmingReembed = signal(false);
  protected readonly reembedding = signal(false);
  protected readonly readyCount = computed(() => this.store.items().filter((doc) => doc.status === 'ready').length);

  constructor() {
    void this.store.reload();
  }

  protected formatLabel(doc: KnowledgeDocumentView): string {
    return formatLabels[doc.format];
  }

  protected statusLabel(doc: KnowledgeDocumentView): string {
    return statusLabels[doc.status];
  }

  protected percent(doc: KnowledgeDocumentView): number {
    return doc.chunkCount === 0 ? 0 : Math.round((doc.chunksDone / doc.chunkCount) * 100);
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected allowDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(true);
  }

  protected dropFiles(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    void this.uploadFiles([...(event.dataTransfer?.files ?? [])]);
  }

  protected pickFiles(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.uploadFiles(files);
  }

  /** Uploads one after the other; the first refusal is shown, the rest still go. */
  private async uploadFiles(files: File[]): Promise<void> {
    this.addFailure.set(null);
    for (const file of files) {
      this.uploading.update((count) => count + 1);
      try {
        this.store.upsert((await this.api.uploadFile(file)).document);
      } catch (error) {
        const failure = ApiError.from(error);
        this.addFailure.update((shown) => shown ?? new ApiError(failure.status, failure.code, `${file.name}: ${failure.message}`, failure.issues, failure.traceId));
      } finally {
        this.uploading.update((count) => count - 1);
      }
    }
  }

  protected async importUrl(event: Event): Promise<void> {
    event.preventDefault();
    const url = this.url().trim();
    if (url === '') return;
    this.importing.set(true);
    this.addFailure.set(null);
    try {
      this.store.upsert((await this.api.importUrl(url)).document);
      this.url.set('');
    } catch (error) {
      this.addFailure.set(ApiError.from(error));
    } finally {
      this.importing.set(false);
    }
  }

  protected async deleteDocument(doc: KnowledgeDocumentView): Promise<void> {
    this.busyId.set(doc.id);
    this.listFailure.set(null);
    try {
      await this.api.remove(doc.id);
      this.confirmingId.set(null);
      this.store.forget(doc.id);
    } catch (error) {
      this.listFailure.set(ApiError.from(error));
    } finally {
      this.busyId.set(null);
    }
  }

  protected async reembedAll(): Promise<void> {
    this.reembedding.set(true);
    this.listFailure.set(null);
    try {
      await this.api.reembed();
      this.confirmingReembed.set(false);
      await this.store.reload();
    } catch (error) {
      this.listFailure.set(ApiError.from(error));
    } finally {
      this.reembedding.set(false);
    }
  }
}
