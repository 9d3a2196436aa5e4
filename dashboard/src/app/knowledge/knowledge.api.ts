import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  KnowledgeDocumentList,
  KnowledgeQueryResult,
  KnowledgeReembedResult,
  KnowledgeUploadResult,
} from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** The workspace's knowledge base (`/api/v1/knowledge`); every call needs `knowledge.manage`. */
@Injectable({ providedIn: 'root' })
export class KnowledgeApi {
  private readonly http = inject(HttpClient);

  list(): Promise<KnowledgeDocumentList> {
    return apiCall(this.http.get<KnowledgeDocumentList>('/api/v1/knowledge'));
  }

  /** Uploads one file (PDF, DOCX, HTML, Markdown, text or CSV); the hub answers 202 and indexes it in the background. */
  uploadFile(file: File): Promise<KnowledgeUploadResult> {
    const form = new FormData();
    form.append('file', file, file.name);
    return apiCall(this.http.post<KnowledgeUploadResult>('/api/v1/knowledge/files', form));
  }

  importUrl(url: string): Promise<KnowledgeUploadResult> {
    return apiCall(this.http.post<KnowledgeUploadResult>('/api/v1/knowledge/url', { url }));
  }

  remove(id: string): Promise<unknown> {
    return apiCall(this.http.delete<unknown>(`/api/v1/knowledge/${id}`));
  }

  reembed(): Promise<KnowledgeReembedResult> {
    return apiCall(this.http.post<KnowledgeReembedResult>('/api/v1/knowledge/reembed', {}));
  }

  query(question: string): Promise<KnowledgeQueryResult> {
    return apiCall(this.http.post<KnowledgeQueryResult>('/api/v1/knowledge/query', { question }));
  }
}
