import { Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionService } from '../auth/session.service';
import { IconComponent } from '../ui/icon.component';

/** Shown for any path the console does not know, instead of silently redirecting. */
@Component({
  selector: 'sb-not-found',
  imports: [RouterLink, IconComponent],
  template: `
    <section class="not-found" aria-labelledby="not-found-heading">
      <span class="icon"><sb-icon name="compass" /></span>
      <h1 id="not-found-heading">Page not found</h1>
      <p>There is no console page at this address. It may have moved, or the link may be mistyped.</p>
      <a [routerLink]="home">Go to your start page</a>
    </section>
  `,
  styles: `
    .not-found {
      display: grid;
      justify-items: start;
      gap: 10px;
      max-width: 560px;
    }
    .icon {
      color: var(--sb-text-muted);
      --sb-icon-size: 2rem;
    }
    h1 {
      font-size: 1.6rem;
      letter-spacing: -0.015em;
    }
    p {
      color: var(--sb-text-muted);
    }
    a {
      font-weight: 600;
    }
  `,
})
export class NotFoundComponent {
  protected readonly home = inject(SessionService).homePath();
}
