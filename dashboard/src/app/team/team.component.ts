import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-team',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Team"
      icon="team"
      summary="The people who work in this workspace and what each of them may do."
      arrivesWith="the identity feature"
      [planned]="planned"
    />
  `,
})
export class TeamComponent {
  protected readonly planned = [
    'Inviting agents and admins by email',
    'Roles (owner, admin, agent) and what each role may do',
    'Who is online and how many chats each agent holds',
  ] as const;
}
