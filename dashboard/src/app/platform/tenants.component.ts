import { DatePipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import type { TenantSummary } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { AutofocusDirective } from '../ui/autofocus.directive';
import { RelativeTimePipe } from '../ui/relative-time.pipe';
import { ImpersonateFormComponent } from './impersonate-form.component';
import { PlatformApi } from './platform.api';

type RowAction = { tenantId: string; kind: 'suspend' | 'reactivate' | 'impersonate' };

/**
 * Every workspace on this Switchboard for the platform team: size, status and activity;
 * suspending or reactivating one (after a confirmation), and acting as one of its people.
 */
@Component({
  selector: 'sb-tenants',
  imports: [DatePipe, RelativeTimePipe, FormAlertComponent, ImpersonateFormComponent, AutofocusDirective],
  templateUrl: './tenants.component.html',
  styles: `
    .numeric { text-align: right; font-variant-numeric: tabular-nums; }
    .confirm { display: inline-flex; flex-wrap: wrap; align-items: center; justify-content: flex-end; gap: 8px; white-space: normal; }
    .panel-row td { background: var(--sb-surface-sunken); }
    .more { margin-top: 16px; }
  `,
})
export class TenantsComponent {
  private readonly platformApi = inject(PlatformApi);
  protected readonly session = inject(SessionService);

  protected readonly tenants = signal<readonly TenantSummary[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  /** The row whose confirmation or impersonation panel is open. */
  protected readonly open = signal<RowAction | null>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly rowErrors = signal<Readonly<Record<string, ApiError>>>({});

  constructor() {
    void this.loadPage(undefined);
  }

  protected isOpen(summary: TenantSummary, kind: RowAction['kind']): boolean {
    const open = this.open();
    return open !== null && open.tenantId === summary.tenant.id && open.kind === kind;
  }

  protected openPanel(summary: TenantSummary, kind: RowAction['kind']): void {
    this.open.set({ tenantId: summary.tenant.id, kind });
  }

  protected closePanel(): void {
    this.open.set(null);
  }

  protected loadMore(): Promise<void> {
    return this.loadPage(this.nextCursor());
  }

  protected async changeStatus(summary: TenantSummary, kind: 'suspend' | 'reactivate'): Promise<void> {
    const tenantId = summary.tenant.id;
    this.open.set(null);
    this.busy.set(tenantId);
    this.rowErrors.update(({ [tenantId]: _previous, ...rest }) => rest);
    try {
      await (kind === 'suspend' ? this.platformApi.suspend(tenantId) : this.platformApi.reactivate(tenantId));
      const status = kind === 'suspend' ? 'suspended' : 'active';
      this.tenants.update((list) => list.map((item) => (item.tenant.id === tenantId ? { ...item, tenant: { ...item.tenant, status } } : item)));
    } catch (error) {
      this.rowErrors.update((errors) => ({ ...errors, [tenantId]: ApiError.from(error) }));
    } finally {
      this.busy.set(null);
    }
  }

  private async loadPage(cursor: string | undefined): Promise<void> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const page = await this.platformApi.tenants(cursor);
      this.tenants.update((shown) => (cursor === undefined ? page.items : [...shown, ...page.items]));
      this.nextCursor.set(page.nextCursor);
      this.loaded.set(true);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.loading.set(false);
    }
  }
}
