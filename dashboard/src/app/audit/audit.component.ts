import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-audit',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Audit"
      icon="audit"
      summary="A record of every change made in this workspace."
      arrivesWith="the audit log feature"
      [planned]="planned"
    />
  `,
})
export class AuditComponent {
  protected readonly planned = [
    'Every change: who made it, what changed, when, and the trace id that links it to the logs',
    'Filters by person, action and date, and an export',
    'Time-limited support access by the platform team, recorded like every other action',
  ] as const;
}
