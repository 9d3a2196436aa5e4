import { describe, expect, it } from 'vitest';
import { checkSchema, describeIssues, InboundMessage, MESSAGE_TEXT_MAX, widgetCommands } from '../src/index.ts';

const valid = {
  channelId: '0b8f0d5e-83c2-4a3c-a5a2-6d8f7b2f0c11',
  channelType: 'webchat',
  externalMessageId: 'm-1',
  externalChatId: 'visitor-1',
  contact: { externalId: 'visitor-1' },
  text: 'مرحبا، أريد التحدث مع شخص',
  attachments: [],
  isGroup: false,
  sentAt: '2026-11-22T10:00:00.000Z',
};

describe('checkSchema', () => {
  it('accepts a valid inbound message and returns it typed', () => {
    const result = checkSchema(InboundMessage, valid);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.text).toContain('مرحبا');
  });

  it('names each wrong field, a missing one and an unknown one', () => {
    const { contact: _contact, ...withoutContact } = valid;
    const result = checkSchema(InboundMessage, { ...withoutContact, channelType: 'fax', sentAt: 'yesterday', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['/contact', '/channelType', '/sentAt', '/extra']));
    expect(result.issues.find((issue) => issue.path === '/contact')?.message).toBe('is required');
    expect(result.issues.find((issue) => issue.path === '/extra')?.message).toBe('is not an accepted field');
    expect(describeIssues(result.issues)).toContain('/sentAt: must match format "date-time"');
  });

  it('bounds the length of a message', () => {
    const result = checkSchema(widgetCommands['message.send'], { text: 'x'.repeat(MESSAGE_TEXT_MAX + 1), clientId: 'abcdefgh1' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe('/text');
  });

  it('refuses an empty message and a malformed client id', () => {
    const result = checkSchema(widgetCommands['message.send'], { text: '', clientId: 'no spaces allowed' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual(['/clientId', '/text']);
  });
});
