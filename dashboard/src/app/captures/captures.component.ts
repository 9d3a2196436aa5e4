import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-captures',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Captures"
      icon="captures"
      summary="Orders, donations, pledges and leads gathered in conversations."
      arrivesWith="the capture and business-module actors"
      [planned]="planned"
    />
  `,
})
export class CapturesComponent {
  protected readonly planned = [
    'Everything captured in chats, each linked back to its conversation',
    'Actions the bot proposed (a CRM note, a task, a booking, an order) waiting for a person to confirm',
    'Filters by type, status and date, and an export',
  ] as const;
}
