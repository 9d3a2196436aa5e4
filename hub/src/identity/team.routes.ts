import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ChangeRoleRequest, IdParams, InvitationView, InviteRequest, MemberView, Page, UserIdParams } from '@switchboard/contracts';
import { auditActorOf } from '../audit/audit-writer.ts';
import { rateLimits } from '../rate-limit/rate-limiter.ts';
import type { IdentityRoutesOptions } from './auth.routes.ts';
import { principalOf } from './me.routes.ts';

const MemberPage = Page(MemberView);
const InvitationPage = Page(InvitationView);

/** `/api/v1/team/*`: the members of the caller's workspace and its open invitations. */
export const teamRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { services }) => {
  app.get('/api/v1/team/members', {
    config: { access: 'team.read' },
    schema: { tags: ['team'], summary: 'Members with their role and when they were last seen', response: { 200: MemberPage } },
  }, async (request) => ({ items: await services.team.members(principalOf(request)) }));

  app.patch('/api/v1/team/members/:userId', {
    config: { access: 'team.update_role' },
    schema: { tags: ['team'], summary: "Change a member's role (never leaves the workspace without an owner)", params: UserIdParams, body: ChangeRoleRequest, response: { 200: MemberView } },
  }, async (request) => services.team.changeRole(principalOf(request), request.params.userId, request.body.role, auditActorOf(request)));

  app.delete('/api/v1/team/members/:userId', {
    config: { access: 'team.remove' },
    schema: { tags: ['team'], summary: 'Remove a member; their sessions in this workspace end at once', params: UserIdParams },
  }, async (request, reply) => {
    await services.team.remove(principalOf(request), request.params.userId, auditActorOf(request));
    return reply.status(204).send();
  });

  app.get('/api/v1/team/invitations', {
    config: { access: 'team.invite' },
    schema: { tags: ['team'], summary: 'Open invitations', response: { 200: InvitationPage } },
  }, async (request) => ({ items: await services.invitations.list(principalOf(request)) }));

  app.post('/api/v1/team/invitations', {
    config: { access: 'team.invite' },
    onRequest: async (request) => {
      await services.rateLimiter.consume(`invite:tenant:${request.principal?.tenantId ?? request.ip}`, rateLimits.invitePerTenant);
    },
    schema: { tags: ['team'], summary: 'Invite someone by email with a role; they get a link to accept', body: InviteRequest, response: { 201: InvitationView } },
  }, async (request, reply) => {
    const invitation = await services.invitations.invite(principalOf(request), request.body, auditActorOf(request));
    return reply.status(201).send(invitation);
  });

  app.delete('/api/v1/team/invitations/:id', {
    config: { access: 'team.invite' },
    schema: { tags: ['team'], summary: 'Revoke an open invitation; its link stops working', params: IdParams },
  }, async (request, reply) => {
    await services.invitations.revoke(principalOf(request), request.params.id, auditActorOf(request));
    return reply.status(204).send();
  });
};
