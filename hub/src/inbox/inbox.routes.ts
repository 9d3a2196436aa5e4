import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AddNoteRequest,
  ConversationCommandResult,
  ConversationIdParams,
  ConversationListQuery,
  ConversationPage,
  ConversationView,
  InboxCounts,
  MessageCommandResult,
  MessageListQuery,
  MessagePage,
  SendMessageRequest,
  TransferRequest,
} from '@switchboard/contracts';
import { randomUUID } from 'node:crypto';
import { principalOf } from '../identity/me.routes.ts';
import { inboxActorOf, type InboxService } from './inbox.service.ts';

export interface InboxRoutesOptions {
  inbox: InboxService;
}

const tags = ['conversations'];

/**
 * `/api/v1/conversations`: the inbox over REST, the same commands the console sends on its
 * socket. Changes are applied by the runner that owns the conversation; a refused one (another
 * agent claimed first, a reply to a chat you do not hold) is `409 SB_ERR_CONFLICT`.
 */
export const inboxRoutes: FastifyPluginAsyncTypebox<InboxRoutesOptions> = async (app, { inbox }) => {
  const actor = (request: Parameters<typeof principalOf>[0]) => inboxActorOf(principalOf(request));

  app.get('/api/v1/conversations', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: 'Conversations, newest activity first, by inbox tab and filters; keyset-paged', querystring: ConversationListQuery, response: { 200: ConversationPage } },
  }, async (request) => inbox.list(actor(request), request.query));

  app.get('/api/v1/conversations/counts', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: 'How many conversations each inbox tab holds for the caller', response: { 200: InboxCounts } },
  }, async (request) => inbox.counts(actor(request)));

  app.get('/api/v1/conversations/:id', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: 'One conversation', params: ConversationIdParams, response: { 200: ConversationView } },
  }, async (request) => inbox.get(actor(request), request.params.id));

  app.get('/api/v1/conversations/:id/messages', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: "A page of the conversation's timeline, oldest first; `before` pages back, `after` fetches what was missed", params: ConversationIdParams, querystring: MessageListQuery, response: { 200: MessagePage } },
  }, async (request) => inbox.messages(actor(request), request.params.id, request.query));

  app.post('/api/v1/conversations/:id/read', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: 'Mark the conversation read (its unread count goes to zero)', params: ConversationIdParams },
  }, async (request, reply) => {
    await inbox.markRead(actor(request), request.params.id, request.id);
    return reply.status(204).send();
  });

  const commands = [
    ['claim', 'conversation.claim', 'Claim the conversation: exactly one of simultaneous claims wins; the bot goes silent'],
    ['release', 'conversation.claim', 'Give the conversation back to the bot'],
    ['close', 'conversation.reply', 'Close the conversation; the customer writing again reopens it with the bot'],
    ['reopen', 'conversation.reply', 'Reopen a closed conversation with the bot'],
  ] as const;
  for (const [name, access, summary] of commands) {
    app.post(`/api/v1/conversations/:id/${name}`, {
      config: { access },
      schema: { tags, summary, params: ConversationIdParams, response: { 200: ConversationCommandResult } },
    }, async (request) => {
      const { conversation } = await inbox[name](actor(request), request.params.id);
      return { conversation };
    });
  }

  app.post('/api/v1/conversations/:id/transfer', {
    config: { access: 'conversation.claim' },
    schema: { tags, summary: 'Hand the conversation you hold to another agent', params: ConversationIdParams, body: TransferRequest, response: { 200: ConversationCommandResult } },
  }, async (request) => {
    const { conversation } = await inbox.transfer(actor(request), request.params.id, request.body.agentId);
    return { conversation };
  });

  app.post('/api/v1/conversations/:id/messages', {
    config: { access: 'conversation.reply' },
    schema: { tags, summary: 'Reply to the customer in a conversation you hold; idempotent on `clientId`', params: ConversationIdParams, body: SendMessageRequest, response: { 201: MessageCommandResult } },
  }, async (request, reply) => {
    const message = await inbox.sendMessage(actor(request), request.params.id, request.body);
    return reply.status(201).send({ message });
  });

  app.post('/api/v1/conversations/:id/notes', {
    config: { access: 'conversation.reply' },
    schema: { tags, summary: 'Add a private note for colleagues; it never reaches the customer', params: ConversationIdParams, body: AddNoteRequest, response: { 201: MessageCommandResult } },
  }, async (request, reply) => {
    const message = await inbox.addNote(actor(request), request.params.id, request.body.text, request.body.clientId ?? randomUUID());
    return reply.status(201).send({ message });
  });
};
