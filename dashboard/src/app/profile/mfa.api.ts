import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { apiCall } from '../api/api-call';
import type { MfaSetupResponse, MfaVerifyRequest, MfaVerifyResponse } from '@switchboard/contracts';

/** Two-factor sign-in for the signed-in person (`/api/v1/me/mfa`). */
@Injectable({ providedIn: 'root' })
export class MfaApi {
  private readonly http = inject(HttpClient);

  /** A new secret and its QR code; nothing changes until a code from it is verified. */
  setup(): Promise<MfaSetupResponse> {
    return apiCall(this.http.post<MfaSetupResponse>('/api/v1/me/mfa/setup', {}));
  }

  /** Turns two-factor sign-in on and answers the recovery codes, the only time they are shown. */
  verify(code: string): Promise<MfaVerifyResponse> {
    const body: MfaVerifyRequest = { code };
    return apiCall(this.http.post<MfaVerifyResponse>('/api/v1/me/mfa/verify', body));
  }

  disable(code: string): Promise<unknown> {
    const body: MfaVerifyRequest = { code };
    return apiCall(this.http.delete<unknown>('/api/v1/me/mfa', { body }));
  }
}
