import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AuditEntryView, AuditQuery } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import type { PageOf } from '../api/contract-types';

/**
 * Filters of `GET /api/v1/audit` (contracts `AuditQuery` without the paging); absent means
 * "any". `from` and `to` are ISO 8601 timestamps, inclusive; `tenantId` is for the platform team.
 */
export type AuditFilters = Omit<AuditQuery, 'cursor' | 'limit'>;

/** The audit log, newest first, a page at a time (keyset paging by `cursor`). */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  entries(filters: AuditFilters, cursor: string | undefined, limit: number): Promise<PageOf<AuditEntryView>> {
    let params = new HttpParams().set('limit', limit);
    for (const [name, value] of Object.entries({ ...filters, cursor })) {
      if (value !== undefined && value !== '') params = params.set(name, value);
    }
    return apiCall(this.http.get<PageOf<AuditEntryView>>('/api/v1/audit', { params }));
  }
}
