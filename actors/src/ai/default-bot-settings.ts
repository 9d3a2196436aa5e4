import type { ConversationSettings } from '../conversation/conversation.machine.ts';
import type { ResponderSettings } from './first-responder.ts';

/** What a new tenant's bot says until an admin configures it. */
export const defaultResponderSettings: ResponderSettings = {
  greeting: 'Hello! How can I help you today?',
  fallback: "I'm not sure I can answer that. Would you like me to connect you with a member of our team? Just say \"talk to a person\".",
  handoffMessage: "I'm connecting you with a member of our team. They will reply here shortly.",
  handoffKeywords: [],
  faq: [],
};

/** How a new tenant's conversations behave until an admin configures them. */
export const defaultConversationSettings: ConversationSettings = {
  handoffKeywords: [],
  agentInactivityMs: 15 * 60_000,
  handoffMessage: defaultResponderSettings.handoffMessage,
  fallbackMessage: "Sorry, I couldn't answer just now. I'm asking a member of our team to help you.",
};
