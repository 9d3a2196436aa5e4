import { inject } from '@angular/core';
import type { Routes } from '@angular/router';
import { requireAnyPermission, requireMfaWhenEnforced, requireNoSession, requireSession } from './auth/session.guards';
import { SessionService } from './auth/session.service';
import { ShellComponent } from './shell/shell.component';

/**
 * Path-based routes: the hub serves `index.html` for any unknown path, so deep links such as
 * `/knowledge` load the console and land on the right page. Every page is lazily loaded.
 * Console pages need a session and, where noted, a permission; the hub checks the same
 * permission on every API call, so the guards only spare people pages they cannot use.
 */
export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in',
    canActivate: [requireNoSession],
    loadComponent: () => import('./auth/login/login.component').then((m) => m.LoginComponent),
  },
  {
    path: 'signup',
    title: 'Create a workspace',
    canActivate: [requireNoSession],
    loadComponent: () => import('./auth/signup/signup.component').then((m) => m.SignupComponent),
  },
  {
    path: 'forgot-password',
    title: 'Forgot password',
    loadComponent: () => import('./auth/forgot-password/forgot-password.component').then((m) => m.ForgotPasswordComponent),
  },
  {
    path: 'reset-password/:token',
    title: 'Choose a new password',
    loadComponent: () => import('./auth/reset-password/reset-password.component').then((m) => m.ResetPasswordComponent),
  },
  {
    path: 'verify-email/:token',
    title: 'Verify email',
    loadComponent: () => import('./auth/verify-email/verify-email.component').then((m) => m.VerifyEmailComponent),
  },
  {
    path: 'invite/:token',
    title: 'Join a workspace',
    loadComponent: () => import('./auth/accept-invite/accept-invite.component').then((m) => m.AcceptInviteComponent),
  },
  {
    path: '',
    component: ShellComponent,
    canActivate: [requireSession],
    canActivateChild: [requireMfaWhenEnforced],
    children: [
      { path: '', pathMatch: 'full', redirectTo: () => inject(SessionService).homePath() },
      {
        path: 'inbox/canned-responses',
        title: 'Canned responses',
        canActivate: [requireAnyPermission('conversation.manage')],
        loadComponent: () => import('./canned-responses/canned-responses.component').then((m) => m.CannedResponsesComponent),
      },
      {
        // `?tab=awaiting|mine|bot|closed` picks the tab; the open conversation is the child route.
        path: 'inbox',
        title: 'Inbox',
        canActivate: [requireAnyPermission('conversation.read')],
        loadComponent: () => import('./inbox/inbox.component').then((m) => m.InboxComponent),
        children: [
          {
            path: ':conversationId',
            title: 'Conversation',
            loadComponent: () => import('./conversation/conversation.component').then((m) => m.ConversationComponent),
          },
        ],
      },
      {
        path: 'channels',
        title: 'Channels',
        canActivate: [requireAnyPermission('channel.read')],
        loadComponent: () => import('./channels/channels.component').then((m) => m.ChannelsComponent),
      },
      {
        path: 'bot',
        title: 'Bot',
        canActivate: [requireAnyPermission('bot.manage')],
        loadComponent: () => import('./bot/bot.component').then((m) => m.BotComponent),
      },
      {
        path: 'knowledge',
        title: 'Knowledge',
        canActivate: [requireAnyPermission('knowledge.manage')],
        loadComponent: () => import('./knowledge/knowledge.component').then((m) => m.KnowledgeComponent),
      },
      {
        path: 'captures',
        title: 'Captures',
        canActivate: [requireAnyPermission('capture.read')],
        loadComponent: () => import('./captures/captures.component').then((m) => m.CapturesComponent),
      },
      {
        path: 'team',
        title: 'Team',
        canActivate: [requireAnyPermission('team.read')],
        loadComponent: () => import('./team/team.component').then((m) => m.TeamComponent),
      },
      {
        path: 'settings',
        title: 'Workspace settings',
        canActivate: [requireAnyPermission('tenant.update')],
        loadComponent: () => import('./workspace/workspace-settings.component').then((m) => m.WorkspaceSettingsComponent),
      },
      {
        path: 'billing',
        title: 'Billing',
        canActivate: [requireAnyPermission('billing.manage')],
        loadComponent: () => import('./billing/billing.component').then((m) => m.BillingComponent),
      },
      {
        path: 'audit',
        title: 'Audit',
        canActivate: [requireAnyPermission('audit.read', 'platform.audit.read')],
        loadComponent: () => import('./audit/audit.component').then((m) => m.AuditComponent),
      },
      {
        path: 'tenants',
        title: 'Tenants',
        canActivate: [requireAnyPermission('platform.tenants.read')],
        loadComponent: () => import('./platform/tenants.component').then((m) => m.TenantsComponent),
      },
      {
        path: 'profile',
        title: 'Profile',
        loadComponent: () => import('./profile/profile.component').then((m) => m.ProfileComponent),
      },
      {
        path: '**',
        title: 'Page not found',
        loadComponent: () => import('./not-found/not-found.component').then((m) => m.NotFoundComponent),
      },
    ],
  },
];
