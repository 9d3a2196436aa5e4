import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-billing',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Billing"
      icon="billing"
      summary="Your plan, what it includes, and what you have used."
      arrivesWith="the billing feature"
      [planned]="planned"
    />
  `,
})
export class BillingComponent {
  protected readonly planned = [
    'The current plan and the features and limits it includes',
    'AI and message usage for this billing period',
    'Invoices and the payment method, handled through Stripe',
  ] as const;
}
