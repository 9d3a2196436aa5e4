import type { ResponderSettings } from './first-responder.ts';

/** What a new tenant's bot says until an admin configures it. */
export const defaultResponderSettings: ResponderSettings = {
  greeting: 'Hello! How can I help you today?',
  fallback: "I'm not sure I can answer that. Would you like me to connect you with a member of our team? Just say \"talk to a person\".",
  handoffMessage: "I'm connecting you with a member of our team. They will reply here shortly.",
  handoffKeywords: [],
  faq: [],
};
