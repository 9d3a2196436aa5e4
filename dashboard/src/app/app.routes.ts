import type { Routes } from '@angular/router';
import { ShellComponent } from './shell/shell.component';

/**
 * Path-based routes: the hub serves `index.html` for any unknown path, so deep links such as
 * `/knowledge` load the console and land on the right page. Every console area is lazily loaded.
 */
export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in',
    loadComponent: () => import('./auth/login/login.component').then((m) => m.LoginComponent),
  },
  {
    path: '',
    component: ShellComponent,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'inbox' },
      {
        path: 'inbox',
        title: 'Inbox',
        loadComponent: () => import('./inbox/inbox.component').then((m) => m.InboxComponent),
      },
      {
        path: 'channels',
        title: 'Channels',
        loadComponent: () => import('./channels/channels.component').then((m) => m.ChannelsComponent),
      },
      {
        path: 'bot',
        title: 'Bot',
        loadComponent: () => import('./bot/bot.component').then((m) => m.BotComponent),
      },
      {
        path: 'knowledge',
        title: 'Knowledge',
        loadComponent: () => import('./knowledge/knowledge.component').then((m) => m.KnowledgeComponent),
      },
      {
        path: 'captures',
        title: 'Captures',
        loadComponent: () => import('./captures/captures.component').then((m) => m.CapturesComponent),
      },
      {
        path: 'team',
        title: 'Team',
        loadComponent: () => import('./team/team.component').then((m) => m.TeamComponent),
      },
      {
        path: 'billing',
        title: 'Billing',
        loadComponent: () => import('./billing/billing.component').then((m) => m.BillingComponent),
      },
      {
        path: 'audit',
        title: 'Audit',
        loadComponent: () => import('./audit/audit.component').then((m) => m.AuditComponent),
      },
      {
        path: '**',
        title: 'Page not found',
        loadComponent: () => import('./not-found/not-found.component').then((m) => m.NotFoundComponent),
      },
    ],
  },
];
