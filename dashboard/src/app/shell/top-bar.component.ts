import { Component, input, output, signal } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { IconComponent } from '../ui/icon.component';
import { ProductMarkComponent } from '../ui/product-mark.component';

/**
 * Product name, the tenant's logo and name, the signed-in person with sign-out and, on narrow
 * screens, the button that opens the sidebar.
 */
@Component({
  selector: 'sb-top-bar',
  imports: [RouterLink, RouterLinkActive, IconComponent, ProductMarkComponent],
  templateUrl: './top-bar.component.html',
  styleUrl: './top-bar.component.css',
})
export class TopBarComponent {
  /** The tenant's display name; `null` for the platform team, who work outside any tenant. */
  readonly tenantName = input<string | null>(null);
  readonly logoUrl = input<string | null>(null);
  readonly userName = input<string | null>(null);
  readonly navOpen = input(false);

  readonly navToggled = output<void>();
  readonly signOutRequested = output<void>();

  /** A logo address that failed to load: the name alone reads better than a broken image. */
  protected readonly brokenLogo = signal<string | null>(null);

  protected toggleNav(): void {
    this.navToggled.emit();
  }

  protected signOut(): void {
    this.signOutRequested.emit();
  }
}
