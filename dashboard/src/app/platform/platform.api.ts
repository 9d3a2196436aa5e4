import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AuthenticatedSession, ImpersonateRequest, TenantSummary, TenantView } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import type { PageOf } from '../api/contract-types';

/** The platform team's endpoints (`/api/v1/admin/*`): every tenant, and acting as one of its people. */
@Injectable({ providedIn: 'root' })
export class PlatformApi {
  private readonly http = inject(HttpClient);

  tenants(cursor?: string): Promise<PageOf<TenantSummary>> {
    return apiCall(this.http.get<PageOf<TenantSummary>>('/api/v1/admin/tenants', { params: cursor === undefined ? {} : { cursor } }));
  }

  suspend(tenantId: string): Promise<TenantView> {
    return apiCall(this.http.post<TenantView>(`/api/v1/admin/tenants/${tenantId}/suspend`, {}));
  }

  reactivate(tenantId: string): Promise<TenantView> {
    return apiCall(this.http.post<TenantView>(`/api/v1/admin/tenants/${tenantId}/reactivate`, {}));
  }

  /** Starts acting as `userId` for `minutes`; the session cookies now belong to that person. */
  impersonate(tenantId: string, userId: string, minutes: number): Promise<AuthenticatedSession> {
    const body: ImpersonateRequest = { userId, minutes };
    return apiCall(this.http.post<AuthenticatedSession>(`/api/v1/admin/tenants/${tenantId}/impersonate`, body));
  }

  stopImpersonation(): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/admin/impersonation/stop', {}));
  }
}
