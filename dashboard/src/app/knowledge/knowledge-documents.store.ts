import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { KnowledgeDocumentView, KnowledgeProgress } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { KnowledgeApi } from './knowledge.api';

/**
 * The workspace's documents as the knowledge page shows them: loaded over REST, then kept live by
 * `knowledge.progress` events (status and chunks done), so a progress bar moves without a reload.
 * Provided by the page, so it lives as long as the page.
 */
@Injectable()
export class KnowledgeDocumentsStore {
  private readonly api = inject(KnowledgeApi);
  private readonly documents = signal<readonly KnowledgeDocumentView[]>([]);
  private loading: Promise<void> | undefined;
  private reloadAgain = false;

  readonly items = this.documents.asReadonly();
  readonly isLoading = signal(false);
  readonly failure = signal<ApiError | null>(null);

  constructor() {
    const socket = inject(ConsoleSocketService);
    const destroyRef = inject(DestroyRef);
    socket.on('knowledge.progress').pipe(takeUntilDestroyed(destroyRef)).subscribe(({ data }) => this.applyProgress(data));
    // Events missed while offline are replayed; older gaps make the hub ask for a reload.
    socket.resyncNeeded.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => void this.reload());
  }

  /**
   * Reads the list again. Calls while one is in flight are folded into one more read after it,
   * so a burst of progress events for documents this page has not seen costs two requests, not one each.
   */
  async reload(): Promise<void> {
    if (this.loading !== undefined) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.isLoading.set(true);
    this.loading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          this.documents.set((await this.api.list()).items);
          this.failure.set(null);
        } catch (error) {
          this.failure.set(ApiError.from(error));
        }
      } while (this.reloadAgain);
    })();
    try {
      await this.loading;
    } finally {
      this.loading = undefined;
      this.isLoading.set(false);
    }
  }

  /** Puts a document the hub just accepted in the list (or replaces the one of the same id). */
  upsert(document: KnowledgeDocumentView): void {
    this.documents.update((items) => {
      const rest = items.filter((item) => item.id !== document.id);
      return [...rest, document].sort((a, b) => a.source.localeCompare(b.source));
    });
  }

  forget(id: string): void {
    this.documents.update((items) => items.filter((item) => item.id !== id));
  }

  private applyProgress(progress: KnowledgeProgress): void {
    const known = this.documents().find((item) => item.id === progress.documentId);
    // Another admin's upload, or a newer version than the list holds: read the list again.
    if (known === undefined || known.version < progress.version) {
      void this.reload();
      return;
    }
    if (known.version > progress.version) return;
    this.documents.update((items) => items.map((item) => item.id !== progress.documentId ? item : {
      ...item,
      status: progress.status,
      chunksDone: progress.chunksDone,
      chunkCount: progress.chunksTotal,
      ...(progress.failureReason === undefined ? { failureReason: undefined } : { failureReason: progress.failureReason }),
    }));
  }
}
