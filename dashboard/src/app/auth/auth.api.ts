import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { InvitationPreview, LoginRequest, LoginResponse, SignupRequest } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import type { AcceptInvitationRequest } from '../api/contract-types';

/** The public identity endpoints (`/api/v1/auth/*`): everything before and around a session. */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  signup(request: SignupRequest): Promise<LoginResponse> {
    return apiCall(this.http.post<LoginResponse>('/api/v1/auth/signup', request));
  }

  /** Email and password first; then `{ challengeToken, tenantId }` or the TOTP / recovery code. */
  login(request: LoginRequest): Promise<LoginResponse> {
    return apiCall(this.http.post<LoginResponse>('/api/v1/auth/login', request));
  }

  verifyEmail(token: string): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/auth/verify-email', { token }));
  }

  resendVerification(): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/auth/verify-email/resend', {}));
  }

  forgotPassword(email: string): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/auth/forgot-password', { email }));
  }

  resetPassword(token: string, password: string): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/auth/reset-password', { token, password }));
  }

  invitation(token: string): Promise<InvitationPreview> {
    return apiCall(this.http.get<InvitationPreview>(`/api/v1/auth/invitations/${encodeURIComponent(token)}`));
  }

  /**
   * Joins the workspace; a new person also sets name and password. Whether the answer signs
   * them in is the hub's choice, so callers ask `GET /api/v1/me` afterwards.
   */
  acceptInvitation(request: AcceptInvitationRequest): Promise<unknown> {
    return apiCall(this.http.post<unknown>('/api/v1/auth/invitations/accept', request));
  }
}
