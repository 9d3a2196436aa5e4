import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { TenantView, UpdateTenantRequest } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** The signed-in workspace's own settings (`/api/v1/tenant`). */
@Injectable({ providedIn: 'root' })
export class WorkspaceApi {
  private readonly http = inject(HttpClient);

  tenant(): Promise<TenantView> {
    return apiCall(this.http.get<TenantView>('/api/v1/tenant'));
  }

  update(changes: UpdateTenantRequest): Promise<TenantView> {
    return apiCall(this.http.patch<TenantView>('/api/v1/tenant', changes));
  }
}
