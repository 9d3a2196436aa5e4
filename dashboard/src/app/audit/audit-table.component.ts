import { DatePipe, JsonPipe } from '@angular/common';
import { Component, input } from '@angular/core';
import type { AuditEntryView } from '@switchboard/contracts';

/** The audit entries as a table; details (metadata) fold out per row. */
@Component({
  selector: 'sb-audit-table',
  imports: [DatePipe, JsonPipe],
  template: `
    <div class="sb-table-wrap">
      <table class="sb-table" data-testid="audit-table">
        <caption class="sb-visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          @for (entry of entries(); track entry.id) {
            <tr [attr.data-action]="entry.action" data-testid="audit-row">
              <td class="nowrap"><time [attr.datetime]="entry.createdAt">{{ entry.createdAt | date: 'MMM d, y, HH:mm:ss' }}</time></td>
              <td>
                {{ entry.actorEmail ?? (entry.actorUserId ? 'Someone outside this workspace' : 'Switchboard') }}
                @if (entry.impersonatorUserId) {
                  <span class="secondary-line">acting via platform support</span>
                }
                @if (showTenant()) {
                  <span class="secondary-line" [title]="entry.tenantId ?? ''">{{ entry.tenantId ? 'in ' + tenantName(entry.tenantId) : 'on the platform' }}</span>
                }
              </td>
              <td>
                <code class="sb-mono action">{{ entry.action }}</code>
                @if (hasDetails(entry)) {
                  <details>
                    <summary>Details</summary>
                    <pre>{{ entry.metadata | json }}</pre>
                  </details>
                }
              </td>
              <td>
                @if (entry.targetType) {
                  {{ entry.targetType }}
                  <span class="secondary-line sb-mono" [title]="entry.targetId ?? ''">{{ short(entry.targetId) }}</span>
                }
              </td>
              <td class="sb-mono">
                {{ entry.ip ?? '' }}
                <span class="secondary-line" [title]="entry.traceId"><span class="sb-visually-hidden">Trace id </span>{{ short(entry.traceId) }}</span>
              </td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .nowrap { white-space: nowrap; }
    .action { padding: 2px 6px; border-radius: 4px; background: var(--sb-surface-sunken); white-space: nowrap; }
    pre { max-width: 360px; margin: 6px 0 0; padding: 8px; overflow: auto; border-radius: var(--sb-radius); background: var(--sb-surface-sunken); font-size: 0.8rem; }
    summary { margin-top: 4px; color: var(--sb-primary); font-size: 0.85rem; cursor: pointer; }
  `,
})
export class AuditTableComponent {
  readonly entries = input.required<readonly AuditEntryView[]>();
  /** The platform team's view: say which workspace each entry belongs to. */
  readonly showTenant = input(false);
  /** Workspace names by id, where known; unknown ones show a shortened id. */
  readonly tenantNames = input<ReadonlyMap<string, string>>(new Map());

  /** Long ids shortened for the table; the full id is in the cell's title. */
  protected short(id: string | undefined): string {
    return id === undefined ? '' : id.length > 12 ? `${id.slice(0, 8)}…` : id;
  }

  protected tenantName(tenantId: string): string {
    return this.tenantNames().get(tenantId) ?? this.short(tenantId);
  }

  protected hasDetails(entry: AuditEntryView): boolean {
    return Object.keys(entry.metadata).length > 0;
  }
}
