import { Component } from '@angular/core';
import { ComingSoonComponent } from '../ui/coming-soon.component';

@Component({
  selector: 'sb-knowledge',
  imports: [ComingSoonComponent],
  template: `
    <sb-coming-soon
      heading="Knowledge"
      icon="knowledge"
      summary="The documents the bot answers from, with sources it can cite."
      arrivesWith="the knowledge base feature"
      [planned]="planned"
    />
  `,
})
export class KnowledgeComponent {
  protected readonly planned = [
    'Uploading and organising the documents your bot may draw on',
    'Indexing status for every document',
    'Trying a question and seeing which passages the answer would cite',
  ] as const;
}
