import type { ConversationView } from '@switchboard/contracts';

/** Which commands the header offers; the hub checks the same rules and has the last word. */
export interface ConversationActions {
  readonly claim: boolean;
  readonly release: boolean;
  readonly transfer: boolean;
  readonly close: boolean;
  readonly reopen: boolean;
}

/**
 * The actions that make sense for `me` on a conversation: claim what is unassigned, release and
 * transfer what is mine (a manager may transfer or close anyone's), close what is open, reopen
 * what is closed.
 */
export function actionsFor(conversation: ConversationView, me: string, can: { claim: boolean; manage: boolean }): ConversationActions {
  const open = conversation.status !== 'closed';
  const mine = conversation.status === 'agent' && conversation.assignedAgentId === me;
  const heldByOther = conversation.status === 'agent' && !mine;
  return {
    claim: can.claim && (conversation.status === 'bot' || conversation.status === 'awaiting_agent'),
    release: mine,
    transfer: open && (mine || can.manage),
    close: open && (!heldByOther || can.manage),
    reopen: !open,
  };
}
