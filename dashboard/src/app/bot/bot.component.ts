import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-bot',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Bot"
      icon="bot"
      summary="How the assistant answers, when it hands a chat to a person, and what it may do."
      arrivesWith="the AI actor"
      [planned]="planned"
    />
  `,
})
export class BotComponent {
  protected readonly planned = [
    'Which AI provider answers for this workspace: an OpenAI-compatible server or the offline responder',
    'Handoff rules: keywords, business hours and the confidence below which a person takes over',
    'The actions the bot may propose, and which of them run only after a person confirms',
    'AI usage this period against the soft and hard limits',
  ] as const;
}
