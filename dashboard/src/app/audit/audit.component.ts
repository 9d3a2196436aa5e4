import { Component, computed, inject, resource, signal } from '@angular/core';
import { form, FormField, FormRoot, validate } from '@angular/forms/signals';
import type { AuditEntryView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { fieldErrorsOf, focusFirstError } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { PlatformApi } from '../platform/platform.api';
import { TeamApi } from '../team/team.api';
import { type AuditFilters, AuditApi } from './audit.api';
import { AuditTableComponent } from './audit-table.component';

const pageSize = 50;

interface FilterModel {
  action: string;
  actorUserId: string;
  /** `yyyy-mm-dd` from the date inputs, read as whole days in the viewer's time zone. */
  from: string;
  to: string;
}

const noFilters: FilterModel = { action: '', actorUserId: '', from: '', to: '' };

function toQuery(model: FilterModel): AuditFilters {
  return {
    action: model.action.trim() || undefined,
    actorUserId: model.actorUserId || undefined,
    from: model.from ? new Date(`${model.from}T00:00:00`).toISOString() : undefined,
    to: model.to ? new Date(`${model.to}T23:59:59.999`).toISOString() : undefined,
  };
}

/**
 * Every change made in the workspace (or, for the platform team, on the platform): who, what,
 * when, from where, and the trace id. Filtered by action, person and dates; "Load more" follows
 * the keyset cursor, so new entries never shift the pages already shown.
 */
@Component({
  selector: 'sb-audit',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, AuditTableComponent],
  templateUrl: './audit.component.html',
  styles: `
    .filters { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; }
    .filters .sb-field { flex: 1 1 160px; }
    .filters .sb-actions { flex: none; margin-top: 27px; }
    .more { display: flex; align-items: center; gap: 12px; margin-top: 16px; }
  `,
})
export class AuditComponent {
  private readonly auditApi = inject(AuditApi);
  private readonly teamApi = inject(TeamApi);
  private readonly platformApi = inject(PlatformApi);
  private readonly session = inject(SessionService);

  protected readonly acrossTenants = computed(() => this.session.can('platform.audit.read'));
  protected readonly entries = signal<readonly AuditEntryView[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly failure = signal<ApiError | null>(null);
  /** Whether the first page for the current filters has arrived (to tell "empty" from "not yet"). */
  protected readonly loaded = signal(false);
  private applied: AuditFilters = {};
  /** Actions seen so far, offered as suggestions in the action filter. */
  protected readonly knownActions = signal<readonly string[]>([]);

  /** People to filter by: the workspace's members, when the role may list them. */
  protected readonly people = resource({
    params: () => (this.session.can('team.read') ? true : undefined),
    loader: () => this.teamApi.members(),
  });
  protected readonly actors = computed(() => (this.people.hasValue() ? this.people.value().items : []));

  /** For the platform team: workspace names to show instead of ids (the first page of tenants). */
  private readonly tenants = resource({
    params: () => (this.session.can('platform.tenants.read') ? true : undefined),
    loader: () => this.platformApi.tenants(),
  });
  protected readonly tenantNames = computed(
    () => new Map((this.tenants.hasValue() ? this.tenants.value().items : []).map(({ tenant }) => [tenant.id, tenant.name])),
  );

  private readonly model = signal<FilterModel>({ ...noFilters });

  protected readonly filterForm = form(
    this.model,
    (path) => {
      validate(path.to, ({ value, valueOf }) => {
        const from = valueOf(path.from);
        return from !== '' && value() !== '' && value() < from ? { kind: 'range', message: 'The end date is before the start date.' } : undefined;
      });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          const error = await this.loadFirstPage(toQuery(fields().value()));
          return error === null ? undefined : fieldErrorsOf(error, { action: fields.action, actorUserId: fields.actorUserId, from: fields.from, to: fields.to });
        },
      },
    },
  );

  constructor() {
    void this.loadFirstPage({});
  }

  protected clearFilters(): void {
    this.filterForm().reset({ ...noFilters });
    void this.loadFirstPage({});
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor === undefined || this.loading()) return;
    await this.fetch(this.applied, cursor);
  }

  /** Replaces the list with the first page for `filters`; returns the refusal, if any. */
  private async loadFirstPage(filters: AuditFilters): Promise<ApiError | null> {
    this.applied = filters;
    this.entries.set([]);
    this.nextCursor.set(undefined);
    this.loaded.set(false);
    return this.fetch(filters, undefined);
  }

  private async fetch(filters: AuditFilters, cursor: string | undefined): Promise<ApiError | null> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const page = await this.auditApi.entries(filters, cursor, pageSize);
      // A newer filter may have been applied meanwhile; its answer wins.
      if (filters !== this.applied) return null;
      this.entries.update((shown) => [...shown, ...page.items]);
      this.knownActions.update((known) => [...new Set([...known, ...page.items.map((entry) => entry.action)])].sort());
      this.nextCursor.set(page.nextCursor);
      this.loaded.set(true);
      return null;
    } catch (error) {
      const apiError = ApiError.from(error);
      this.failure.set(apiError);
      return apiError;
    } finally {
      this.loading.set(false);
    }
  }
}
