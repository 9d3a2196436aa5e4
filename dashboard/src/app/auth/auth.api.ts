import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AcceptInvitationRequest, AuthenticatedSession, InvitationPreview, LoginRequest, LoginResponse, SignupRequest } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';

/** The public identity endpoints (`/api/v1/auth/*`): everything before and around a session. */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  /** Creates the workspace and its owner, and signs them in. */
  signup(request: SignupRequest): Promise<AuthenticatedSession> {
    return apiCall(this.http.post<AuthenticatedSession>('/api/v1/auth/signup', request));
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
   * Joins the workspace (a new person also sets name and password) and signs in there: a
   * signed-in invitee's session moves to the workspace they joined.
   */
  acceptInvitation(request: AcceptInvitationRequest): Promise<AuthenticatedSession> {
    return apiCall(this.http.post<AuthenticatedSession>('/api/v1/auth/invitations/accept', request));
  }
}
