import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { AiAnswer, BusinessHours, HandoffReason } from '@switchboard/contracts';
import { isOpen } from './business-hours.ts';
import { detectHandoffRequest } from './handoff-detector.ts';

/** Per-tenant behaviour the machine needs; part of the context so a restored actor keeps it. */
export interface ConversationSettings {
  handoffKeywords: string[];
  /** An agent silent this long gives the conversation back to the queue. */
  agentInactivityMs: number;
  /** Said to the customer when they are being handed to a person. */
  handoffMessage: string;
  /** Said when the AI fails, before handing off. */
  fallbackMessage: string;
  /** When people answer; absent: always. */
  businessHours?: BusinessHours | undefined;
  /** Said instead of `handoffMessage` outside business hours. */
  outOfHoursMessage?: string | undefined;
}

/** What the customer is told on a handoff: the handoff message, or out of hours the out-of-hours one. */
function handoffText(settings: ConversationSettings, preferred?: string): string {
  if (settings.outOfHoursMessage !== undefined && !isOpen(settings.businessHours)) return settings.outOfHoursMessage;
  return preferred || settings.handoffMessage;
}

const handoffReason = (settings: ConversationSettings, reason: HandoffReason): HandoffReason => (isOpen(settings.businessHours) ? reason : 'out_of_hours');

export interface ConversationContext {
  tenantId: string;
  conversationId: string;
  settings: ConversationSettings;
  assignedAgentId?: string;
  /** The customer message the bot is answering; survives a restart so the answer is not lost. */
  pending?: { messageId: string; text: string };
  customerMessageCount: number;
  /** Epoch ms after which an inactive agent's claim lapses (for sweeping passivated actors). */
  agentDeadlineAt?: number;
}

export interface ConversationInput {
  tenantId: string;
  conversationId: string;
  settings: ConversationSettings;
}

export type ConversationEvent =
  | { type: 'customer.message'; messageId: string; text: string }
  /** The business wrote in the chat outside Switchboard (from its own phone): a person took over. */
  | { type: 'business.message'; messageId: string }
  | { type: 'agent.claim'; agentId: string }
  | { type: 'agent.release'; agentId: string }
  | { type: 'agent.transfer'; agentId: string }
  | { type: 'agent.message'; agentId: string }
  | { type: 'agent.note'; agentId: string }
  /** Sent by the runner's sweeper when the stored deadline passed; checked against the context. */
  | { type: 'agent.inactive'; now: number }
  | { type: 'conversation.close' }
  | { type: 'conversation.reopen' };

/** Facts the machine emits; the runner persists and publishes them. The machine does no I/O. */
export type ConversationEmitted =
  | { type: 'bot.reply'; inReplyTo: string; text: string; source: string; actions: AiAnswer['actions'] }
  | { type: 'handoff.requested'; reason: HandoffReason; note?: string }
  | { type: 'conversation.assigned'; agentId: string; previousAgentId?: string }
  | { type: 'conversation.released'; agentId: string; reason: 'agent_released' | 'agent_inactive' | 'closed' }
  | { type: 'conversation.closed' }
  | { type: 'conversation.reopened' }
  /** The assigned agent's reply was accepted (the runner stores and sends it). */
  | { type: 'agent.replied'; agentId: string }
  /** A private note was accepted (any agent, any state). */
  | { type: 'note.added'; agentId: string };

export interface AskAiInput {
  tenantId: string;
  conversationId: string;
  messageId: string;
  text: string;
  isFirstMessage: boolean;
}

/**
 * One conversation, from the first customer message to closed and back. `bot`: the AI answers
 * each message; `awaiting_agent`: the bot is silent and the chat waits in the queue; `agent`: a
 * person owns it and the bot never answers; `closed`: the next customer message reopens it
 * with the bot. A message the business writes outside Switchboard (from its own phone) silences
 * the bot at once, mid-answer too, and puts the chat in the queue for the console to see. Side effects are the `askAi` actor (provided by the runner) and emitted facts.
 */
export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    input: {} as ConversationInput,
    events: {} as ConversationEvent,
    emitted: {} as ConversationEmitted,
  },
  actors: {
    askAi: fromPromise<AiAnswer, AskAiInput>(async () => {
      throw new Error('askAi must be provided by the runner (machine.provide)');
    }),
  },
  actions: {
    countCustomerMessage: assign({ customerMessageCount: ({ context }) => context.customerMessageCount + 1 }),
    assignAgent: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'agent.claim') return;
      enqueue.assign({ assignedAgentId: event.agentId, pending: undefined });
      enqueue.emit({ type: 'conversation.assigned', agentId: event.agentId });
    }),
  },
  guards: {
    asksForHuman: ({ context, event }) =>
      event.type === 'customer.message' && detectHandoffRequest(event.text, context.settings.handoffKeywords) !== undefined,
    isAssignedAgent: ({ context, event }) => 'agentId' in event && event.agentId === context.assignedAgentId,
    isAnotherAgent: ({ context, event }) => 'agentId' in event && event.agentId !== context.assignedAgentId,
    deadlinePassed: ({ context, event }) =>
      event.type === 'agent.inactive' && context.agentDeadlineAt !== undefined && context.agentDeadlineAt <= event.now,
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => ({ ...input, customerMessageCount: 0 }),
  initial: 'bot',
  // A note never changes the conversation; it is accepted whatever state it is in.
  on: {
    'agent.note': { actions: emit(({ event }) => ({ type: 'note.added' as const, agentId: event.agentId })) },
  },
  states: {
    bot: {
      initial: 'idle',
      on: {
        'customer.message': [
          {
            guard: 'asksForHuman',
            target: 'awaiting_agent',
            actions: [
              'countCustomerMessage',
              emit(({ context, event }) => ({
                type: 'bot.reply' as const,
                inReplyTo: event.messageId,
                text: handoffText(context.settings),
                source: 'handoff',
                actions: [],
              })),
              emit(({ context, event }) => {
                const match = detectHandoffRequest(event.text, context.settings.handoffKeywords);
                return { type: 'handoff.requested' as const, reason: handoffReason(context.settings, match?.reason ?? 'customer_request'), note: match?.phrase };
              }),
            ],
          },
          {
            target: '.answering',
            reenter: true,
            actions: ['countCustomerMessage', assign({ pending: ({ event }) => ({ messageId: event.messageId, text: event.text }) })],
          },
        ],
        'agent.claim': { target: 'agent', actions: 'assignAgent' },
        'conversation.close': { target: 'closed' },
        // Leaving `answering` stops the AI call: its answer, if it still comes, is dropped.
        'business.message': {
          target: 'awaiting_agent',
          actions: [emit({ type: 'handoff.requested', reason: 'answered_from_phone' }), assign({ pending: undefined })],
        },
      },
      states: {
        idle: {},
        answering: {
          invoke: {
            src: 'askAi',
            input: ({ context }) => ({
              tenantId: context.tenantId,
              conversationId: context.conversationId,
              messageId: context.pending?.messageId ?? '',
              text: context.pending?.text ?? '',
              isFirstMessage: context.customerMessageCount === 1,
            }),
            onDone: [
              {
                guard: ({ event }) => event.output.intent === 'handoff',
                target: '#conversation.awaiting_agent',
                actions: [
                  emit(({ context, event }) => ({
                    type: 'bot.reply' as const,
                    inReplyTo: context.pending?.messageId ?? '',
                    text: handoffText(context.settings, event.output.reply),
                    source: event.output.source,
                    actions: event.output.actions,
                  })),
                  emit(({ context }) => ({ type: 'handoff.requested' as const, reason: handoffReason(context.settings, 'ai_intent') })),
                  assign({ pending: undefined }),
                ],
              },
              {
                target: 'idle',
                actions: [
                  emit(({ context, event }) => ({
                    type: 'bot.reply' as const,
                    inReplyTo: context.pending?.messageId ?? '',
                    text: event.output.reply,
                    source: event.output.source,
                    actions: event.output.actions,
                  })),
                  assign({ pending: undefined }),
                ],
              },
            ],
            // The AI failed: say so kindly and offer a person rather than leave the customer waiting.
            onError: {
              target: '#conversation.awaiting_agent',
              actions: [
                emit(({ context }) => ({
                  type: 'bot.reply' as const,
                  inReplyTo: context.pending?.messageId ?? '',
                  text: context.settings.fallbackMessage,
                  source: 'fallback',
                  actions: [],
                })),
                emit({ type: 'handoff.requested', reason: 'provider_failure' }),
                assign({ pending: undefined }),
              ],
            },
          },
        },
      },
    },
    awaiting_agent: {
      on: {
        'customer.message': { actions: 'countCustomerMessage' },
        'agent.claim': { target: 'agent', actions: 'assignAgent' },
        'conversation.close': { target: 'closed' },
      },
    },
    agent: {
      entry: assign({ agentDeadlineAt: ({ context }) => Date.now() + context.settings.agentInactivityMs }),
      exit: assign({ agentDeadlineAt: undefined }),
      // Timers do not survive passivation, so inactivity is a deadline in the context (and its
      // column); the runner's sweeper sends `agent.inactive` once it has passed.
      on: {
        'customer.message': { actions: 'countCustomerMessage' },
        'agent.inactive': {
          guard: 'deadlinePassed',
          target: 'awaiting_agent',
          actions: [
            emit(({ context }) => ({ type: 'conversation.released' as const, agentId: context.assignedAgentId ?? '', reason: 'agent_inactive' as const })),
            emit({ type: 'handoff.requested', reason: 'agent_claim', note: 'the assigned agent was inactive' }),
            assign({ assignedAgentId: undefined }),
          ],
        },
        // Activity restarts the inactivity clock.
        'agent.message': {
          guard: 'isAssignedAgent',
          target: 'agent',
          reenter: true,
          actions: emit(({ event }) => ({ type: 'agent.replied' as const, agentId: event.agentId })),
        },
        'agent.release': {
          guard: 'isAssignedAgent',
          target: 'bot',
          actions: [
            emit(({ context }) => ({ type: 'conversation.released' as const, agentId: context.assignedAgentId ?? '', reason: 'agent_released' as const })),
            assign({ assignedAgentId: undefined }),
          ],
        },
        'agent.transfer': {
          guard: 'isAnotherAgent',
          target: 'agent',
          reenter: true,
          actions: [
            emit(({ context, event }) => ({ type: 'conversation.assigned' as const, agentId: event.agentId, previousAgentId: context.assignedAgentId })),
            assign({ assignedAgentId: ({ event }) => event.agentId }),
          ],
        },
        'conversation.close': {
          target: 'closed',
          actions: [
            emit(({ context }) => ({ type: 'conversation.released' as const, agentId: context.assignedAgentId ?? '', reason: 'closed' as const })),
            assign({ assignedAgentId: undefined }),
          ],
        },
      },
    },
    closed: {
      entry: emit({ type: 'conversation.closed' }),
      on: {
        'customer.message': [
          {
            guard: 'asksForHuman',
            target: 'awaiting_agent',
            actions: ['countCustomerMessage', emit({ type: 'conversation.reopened' }), emit({ type: 'handoff.requested', reason: 'customer_request' })],
          },
          {
            target: 'bot.answering',
            actions: [
              'countCustomerMessage',
              emit({ type: 'conversation.reopened' }),
              assign({ pending: ({ event }) => ({ messageId: event.messageId, text: event.text }) }),
            ],
          },
        ],
        'conversation.reopen': { target: 'bot', actions: emit({ type: 'conversation.reopened' }) },
        'business.message': {
          target: 'awaiting_agent',
          actions: [emit({ type: 'conversation.reopened' }), emit({ type: 'handoff.requested', reason: 'answered_from_phone' })],
        },
      },
    },
  },
});
