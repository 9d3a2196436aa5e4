import { Component, input } from '@angular/core';
import { type IconName, IconComponent } from './icon.component';

/**
 * The honest empty state of a console area that is not built yet: what the page is for, what
 * will live here, and which feature brings it. It never shows sample data.
 */
@Component({
  selector: 'sb-coming-soon',
  imports: [IconComponent],
  templateUrl: './coming-soon.component.html',
  styleUrl: './coming-soon.component.css',
})
export class ComingSoonComponent {
  readonly heading = input.required<string>();
  readonly summary = input.required<string>();
  readonly icon = input.required<IconName>();
  readonly planned = input.required<readonly string[]>();
  /** The feature that brings this area to life, completing "It arrives with …". */
  readonly arrivesWith = input.required<string>();
}
