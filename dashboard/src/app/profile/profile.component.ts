import { Component, computed, inject } from '@angular/core';
import { roleLabels } from '../auth/role-labels';
import { SessionService } from '../auth/session.service';
import { MfaSettingsComponent } from './mfa-settings.component';

/** The signed-in person: who they are here, and their two-factor sign-in. */
@Component({
  selector: 'sb-profile',
  imports: [MfaSettingsComponent],
  template: `
    <header class="sb-page-header">
      <div>
        <h1>Profile</h1>
        <p>Your account and how you sign in.</p>
      </div>
    </header>

    @if (me(); as me) {
      <section class="sb-card" aria-labelledby="account-heading" data-testid="profile-account">
        <h2 id="account-heading">Your account</h2>
        <p>To change your name or email address, ask a workspace owner.</p>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{{ me.user.name }}</dd>
          <dt>Email</dt>
          <dd>
            {{ me.user.email }}
            @if (me.user.emailVerified) {
              <span class="sb-badge positive">Verified</span>
            } @else {
              <span class="sb-badge warning">Not verified</span>
            }
          </dd>
          <dt>Role</dt>
          <dd>{{ roleLabel() }}</dd>
          @if (me.tenant; as tenant) {
            <dt>Workspace</dt>
            <dd>{{ tenant.name }}</dd>
          }
        </dl>
      </section>

      <sb-mfa-settings [enabled]="me.user.mfaEnabled" [required]="me.mfaRequired" />
    }
  `,
  styles: `
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: 10px 24px; margin: 0; }
    dt { color: var(--sb-text-muted); font-weight: 500; }
    dd { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 0; }
  `,
})
export class ProfileComponent {
  private readonly session = inject(SessionService);

  protected readonly me = this.session.me;
  protected readonly roleLabel = computed(() => {
    const role = this.me()?.role;
    return role === undefined ? '' : roleLabels[role];
  });
}
