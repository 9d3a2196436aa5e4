import { defaultConversationSettingsView as defaults } from '@switchboard/contracts';
import type { ConversationSettings } from '../conversation/conversation.machine.ts';
import type { ResponderSettings } from './first-responder.ts';

/** What a new tenant's bot says until an admin configures it. */
export const defaultResponderSettings: ResponderSettings = {
  greeting: defaults.greeting,
  fallback: "I'm not sure I can answer that. Would you like me to connect you with a member of our team? Just say \"talk to a person\".",
  handoffMessage: defaults.handoffMessage,
  handoffKeywords: defaults.handoffKeywords,
  faq: defaults.faq,
};

/** How a new tenant's conversations behave until an admin configures them. */
export const defaultConversationSettings: ConversationSettings = {
  handoffKeywords: defaults.handoffKeywords,
  agentInactivityMs: defaults.agentInactivityMinutes * 60_000,
  handoffMessage: defaults.handoffMessage,
  fallbackMessage: defaults.fallbackMessage,
  outOfHoursMessage: defaults.outOfHoursMessage,
};
