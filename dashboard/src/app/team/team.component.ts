import { DatePipe } from '@angular/common';
import { Component, computed, inject, resource, signal } from '@angular/core';
import { assignableRoles, type InvitationView, type MemberView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { roleLabels } from '../auth/role-labels';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { RelativeTimePipe } from '../ui/relative-time.pipe';
import { InviteFormComponent } from './invite-form.component';
import { MembersTableComponent } from './members-table.component';
import { TeamApi } from './team.api';

const noInvitations: readonly InvitationView[] = [];

/** The workspace's people: members and their roles, inviting someone, pending invitations. */
@Component({
  selector: 'sb-team',
  imports: [DatePipe, RelativeTimePipe, FormAlertComponent, InviteFormComponent, MembersTableComponent],
  templateUrl: './team.component.html',
})
export class TeamComponent {
  private readonly teamApi = inject(TeamApi);
  private readonly session = inject(SessionService);

  protected readonly roleLabels = roleLabels;
  protected readonly currentUserId = computed(() => this.session.me()?.user.id ?? '');
  protected readonly canInvite = computed(() => this.session.can('team.invite'));
  protected readonly canChangeRoles = computed(() => this.session.can('team.update_role'));
  protected readonly canRemove = computed(() => this.session.can('team.remove'));
  protected readonly assignable = computed(() => {
    const role = this.session.me()?.role;
    return role === undefined ? [] : assignableRoles(role);
  });

  protected readonly members = resource({ loader: () => this.teamApi.members() });
  protected readonly invitations = resource({
    params: () => (this.canInvite() ? true : undefined),
    loader: () => this.teamApi.invitations(),
  });

  protected readonly membersFailure = computed(() => failureOf(this.members.error()));
  protected readonly invitationsFailure = computed(() => failureOf(this.invitations.error()));
  protected readonly memberList = computed<readonly MemberView[]>(() => (this.members.hasValue() ? this.members.value().items : []));
  protected readonly invitationList = computed(() => (this.invitations.hasValue() ? this.invitations.value().items : noInvitations));
  private readonly memberNames = computed(() => new Map(this.memberList().map((member) => [member.userId, member.name])));

  protected readonly revoking = signal<string | null>(null);
  protected readonly revokeFailure = signal<ApiError | null>(null);

  protected inviterName(invitation: InvitationView): string {
    return this.memberNames().get(invitation.invitedBy) ?? 'A former member';
  }

  protected refreshInvitations(): void {
    this.invitations.reload();
  }

  protected refreshMembers(): void {
    this.members.reload();
  }

  protected async revokeInvitation(invitation: InvitationView): Promise<void> {
    this.revoking.set(invitation.id);
    this.revokeFailure.set(null);
    try {
      await this.teamApi.revokeInvitation(invitation.id);
      this.invitations.reload();
    } catch (error) {
      this.revokeFailure.set(ApiError.from(error));
    } finally {
      this.revoking.set(null);
    }
  }
}

function failureOf(error: unknown): ApiError | null {
  return error === undefined ? null : ApiError.from(error);
}
