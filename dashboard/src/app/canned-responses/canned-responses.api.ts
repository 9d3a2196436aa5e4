import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CannedResponseList, CannedResponseRequest, CannedResponseView } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** Saved replies (`/api/v1/canned-responses`); changing them needs `conversation.manage`. */
@Injectable({ providedIn: 'root' })
export class CannedResponsesApi {
  private readonly http = inject(HttpClient);

  list(): Promise<CannedResponseList> {
    return apiCall(this.http.get<CannedResponseList>('/api/v1/canned-responses'));
  }

  create(body: CannedResponseRequest): Promise<CannedResponseView> {
    return apiCall(this.http.post<CannedResponseView>('/api/v1/canned-responses', body));
  }

  update(id: string, body: CannedResponseRequest): Promise<CannedResponseView> {
    return apiCall(this.http.put<CannedResponseView>(`/api/v1/canned-responses/${id}`, body));
  }

  remove(id: string): Promise<unknown> {
    return apiCall(this.http.delete<unknown>(`/api/v1/canned-responses/${id}`));
  }
}
