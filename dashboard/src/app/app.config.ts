import { provideHttpClient, withFetch, withInterceptors, withNoXsrfProtection } from '@angular/common/http';
import { type ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners, provideEnvironmentInitializer } from '@angular/core';
import { provideRouter, TitleStrategy, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { csrfInterceptor } from './api/csrf.interceptor';
import { routes } from './app.routes';
import { sessionRefreshInterceptor } from './auth/session-refresh.interceptor';
import { SessionService } from './auth/session.service';
import { HandoffAlertService } from './inbox/handoff-alert.service';
import { PageTitleStrategy } from './page-title.strategy';

// No zone.js: Angular 22 applications are zoneless by default, and signals drive rendering.
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The refresh step comes first so that its retry passes through the CSRF step again and
    // carries the rotated token (see csrfInterceptor).
    provideHttpClient(withFetch(), withInterceptors([sessionRefreshInterceptor, csrfInterceptor]), withNoXsrfProtection()),
    // Guards decide with the session already known, so a deep link never flashes the login page.
    provideAppInitializer(() => inject(SessionService).load()),
    // The live link and handoff alerts run on every console page, not only in the inbox: an
    // agent in Captures still hears a customer waiting. The link itself waits for a session.
    provideEnvironmentInitializer(() => void inject(HandoffAlertService)),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top' })),
    { provide: TitleStrategy, useClass: PageTitleStrategy },
  ],
};
