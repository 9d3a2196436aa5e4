import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '@switchboard/contracts';

/** A valid inbound webchat message; override any field. */
export function inboundMessageFixture(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channelId: randomUUID(),
    channelType: 'webchat',
    externalMessageId: `ext-${randomUUID()}`,
    externalChatId: 'visitor-0001',
    contact: { externalId: 'visitor-0001', name: 'Visitor' },
    text: 'Hello, do you ship to Casablanca?',
    attachments: [],
    isGroup: false,
    sentAt: new Date().toISOString(),
    ...overrides,
  };
}
