import { DOCUMENT } from '@angular/common';
import { Component, computed, effect, inject, signal } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { SessionService } from '../auth/session.service';
import { IconComponent } from '../ui/icon.component';
import { navFor } from './console-nav';
import { EmailReminderComponent } from './email-reminder.component';
import { ImpersonationBannerComponent } from './impersonation-banner.component';
import { applyBranding } from './tenant-branding';
import { TopBarComponent } from './top-bar.component';

/**
 * The signed-in console layout: impersonation banner, top bar in the tenant's colours, the
 * sidebar with the areas this role may use, and the routed area.
 */
@Component({
  selector: 'sb-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, IconComponent, TopBarComponent, ImpersonationBannerComponent, EmailReminderComponent],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
  host: {
    '(document:keydown.escape)': 'closeNav()',
  },
})
export class ShellComponent {
  protected readonly session = inject(SessionService);

  protected readonly nav = computed(() => navFor((permission) => this.session.can(permission)));

  /** Only matters on narrow screens, where the sidebar is a drawer over the page. */
  protected readonly navOpen = signal(false);

  protected readonly tenant = this.session.tenant;
  protected readonly user = computed(() => this.session.me()?.user ?? null);
  protected readonly actingAs = computed(() => {
    const user = this.user();
    return user === null ? '' : `${user.name} (${user.email})`;
  });

  constructor() {
    const root = inject(DOCUMENT).documentElement;
    effect((onCleanup) => {
      applyBranding(root, this.tenant()?.branding);
      // Signed out, the login page wears Switchboard's own colours again.
      onCleanup(() => applyBranding(root, undefined));
    });
  }

  protected toggleNav(): void {
    this.navOpen.update((open) => !open);
  }

  protected closeNav(): void {
    this.navOpen.set(false);
  }

  protected signOut(): Promise<void> {
    return this.session.signOut();
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
