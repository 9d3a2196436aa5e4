import { DatePipe } from '@angular/common';
import { Component, inject, input, output, signal } from '@angular/core';
import type { MemberView, TenantRole } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { roleLabels } from '../auth/role-labels';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { RelativeTimePipe } from '../ui/relative-time.pipe';
import { TeamApi } from './team.api';

/**
 * The members with their role and last activity. Where the viewer may, a role can be changed
 * (pick, then save: a select that saved on every arrow key would change roles by accident) and a
 * member removed after a confirmation. Refusals such as "last owner" appear in the member's row.
 */
@Component({
  selector: 'sb-members-table',
  imports: [DatePipe, RelativeTimePipe, AutofocusDirective],
  templateUrl: './members-table.component.html',
  styles: `
    .role-editor { display: flex; align-items: center; gap: 6px; }
    .role-editor select { width: auto; min-height: 32px; padding: 4px 8px; }
    .confirm { display: inline-flex; flex-wrap: wrap; align-items: center; justify-content: flex-end; gap: 8px; white-space: normal; }
    .row-error td { padding-top: 0; border-top: 0; }
    .you { color: var(--sb-text-muted); font-weight: 400; }
  `,
})
export class MembersTableComponent {
  private readonly teamApi = inject(TeamApi);

  readonly members = input.required<readonly MemberView[]>();
  readonly currentUserId = input.required<string>();
  /** Roles the viewer may hand out; members holding another role are not theirs to change. */
  readonly assignableRoles = input.required<readonly TenantRole[]>();
  readonly canChangeRoles = input(false);
  readonly canRemove = input(false);

  /** A member's role changed or a member left: the page reloads the list. */
  readonly changed = output<void>();

  protected readonly roleLabels = roleLabels;
  protected readonly draftRoles = signal<Readonly<Record<string, TenantRole>>>({});
  protected readonly busy = signal<string | null>(null);
  protected readonly confirmingRemoval = signal<string | null>(null);
  protected readonly rowErrors = signal<Readonly<Record<string, ApiError>>>({});

  protected manages(member: MemberView): boolean {
    return this.assignableRoles().includes(member.role);
  }

  protected draftRole(member: MemberView): TenantRole {
    return this.draftRoles()[member.userId] ?? member.role;
  }

  protected pickRole(member: MemberView, event: Event): void {
    const role = (event.target as HTMLSelectElement).value as TenantRole;
    this.draftRoles.update((drafts) => ({ ...drafts, [member.userId]: role }));
  }

  protected async saveRole(member: MemberView): Promise<void> {
    const role = this.draftRole(member);
    const saved = await this.run(member, () => this.teamApi.changeRole(member.userId, role));
    if (saved) this.forgetDraft(member);
  }

  protected discardRole(member: MemberView): void {
    this.forgetDraft(member);
  }

  protected askToRemove(member: MemberView): void {
    this.confirmingRemoval.set(member.userId);
  }

  protected cancelRemoval(): void {
    this.confirmingRemoval.set(null);
  }

  protected async removeMember(member: MemberView): Promise<void> {
    this.confirmingRemoval.set(null);
    await this.run(member, () => this.teamApi.removeMember(member.userId));
  }

  private forgetDraft(member: MemberView): void {
    this.draftRoles.update(({ [member.userId]: _discarded, ...rest }) => rest);
  }

  /** Runs one row's change; on success the page reloads, on refusal the row shows why. */
  private async run(member: MemberView, change: () => Promise<unknown>): Promise<boolean> {
    this.busy.set(member.userId);
    this.rowErrors.update(({ [member.userId]: _previous, ...rest }) => rest);
    try {
      await change();
      this.changed.emit();
      return true;
    } catch (error) {
      this.rowErrors.update((errors) => ({ ...errors, [member.userId]: ApiError.from(error) }));
      return false;
    } finally {
      this.busy.set(null);
    }
  }
}
