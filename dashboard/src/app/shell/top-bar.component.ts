import { Component, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import { IconComponent } from '../ui/icon.component';

/** Product name, the tenant slot and, on narrow screens, the button that opens the sidebar. */
@Component({
  selector: 'sb-top-bar',
  imports: [RouterLink, IconComponent],
  templateUrl: './top-bar.component.html',
  styleUrl: './top-bar.component.css',
})
export class TopBarComponent {
  /** The signed-in tenant's display name; `null` until someone has signed in. */
  readonly tenantName = input<string | null>(null);
  readonly navOpen = input(false);

  readonly navToggled = output<void>();

  protected toggleNav(): void {
    this.navToggled.emit();
  }
}
