import { Component, signal } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { IconComponent } from '../ui/icon.component';
import { consoleNav } from './console-nav';
import { TopBarComponent } from './top-bar.component';

/** The signed-in console layout: top bar, sidebar navigation and the routed area. */
@Component({
  selector: 'sb-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, IconComponent, TopBarComponent],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
  host: {
    '(document:keydown.escape)': 'closeNav()',
  },
})
export class ShellComponent {
  protected readonly nav = consoleNav;

  /** Only matters on narrow screens, where the sidebar is a drawer over the page. */
  protected readonly navOpen = signal(false);

  // Stays null until the identity feature loads the signed-in user's tenant (GET /api/v1/me).
  protected readonly tenantName = signal<string | null>(null);

  protected toggleNav(): void {
    this.navOpen.update((open) => !open);
  }

  protected closeNav(): void {
    this.navOpen.set(false);
  }

  /**
   * With `<base href="/">` a plain `href="#main"` would navigate to `/#main`, so the skip link
   * moves focus itself.
   */
  protected skipToMain(event: Event, main: HTMLElement): void {
    event.preventDefault();
    main.focus();
  }
}
