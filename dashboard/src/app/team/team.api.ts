import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ChangeRoleRequest, InvitationView, InviteRequest, MemberView, TenantRole } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import type { PageOf } from '../api/contract-types';

/** The workspace's people and invitations (`/api/v1/team/*`). */
@Injectable({ providedIn: 'root' })
export class TeamApi {
  private readonly http = inject(HttpClient);

  members(): Promise<PageOf<MemberView>> {
    return apiCall(this.http.get<PageOf<MemberView>>('/api/v1/team/members'));
  }

  invitations(): Promise<PageOf<InvitationView>> {
    return apiCall(this.http.get<PageOf<InvitationView>>('/api/v1/team/invitations'));
  }

  invite(email: string, role: TenantRole): Promise<InvitationView> {
    const body: InviteRequest = { email, role };
    return apiCall(this.http.post<InvitationView>('/api/v1/team/invitations', body));
  }

  revokeInvitation(invitationId: string): Promise<unknown> {
    return apiCall(this.http.delete<unknown>(`/api/v1/team/invitations/${invitationId}`));
  }

  changeRole(userId: string, role: TenantRole): Promise<MemberView> {
    const body: ChangeRoleRequest = { role };
    return apiCall(this.http.patch<MemberView>(`/api/v1/team/members/${userId}`, body));
  }

  removeMember(userId: string): Promise<unknown> {
    return apiCall(this.http.delete<unknown>(`/api/v1/team/members/${userId}`));
  }
}
