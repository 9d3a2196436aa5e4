import { describe, expect, it } from 'vitest';
import { CONVERSATION_PARTITIONS, conversationPartition, subjectOf, subjects, tenantOfSubject } from '../src/index.ts';

const tenant = '7d7c2d4e-0a51-4f55-9a57-4d3f1d0c7b10';
const channel = '0b8f0d5e-83c2-4a3c-a5a2-6d8f7b2f0c11';

describe('subjects', () => {
  it('puts the tenant id in the third token of every subject', () => {
    expect(subjects.inbound(tenant, channel, 7)).toBe(`sb.in.${tenant}.${channel}.7`);
    expect(subjectOf('outbound.message', tenant, channel)).toBe(`sb.out.${tenant}.${channel}`);
    expect(subjectOf('message.created', tenant)).toBe(`sb.evt.${tenant}.message.created`);
    expect(tenantOfSubject(subjectOf('handoff.requested', tenant))).toBe(tenant);
    expect(tenantOfSubject(subjects.request('ai', tenant))).toBe(tenant);
  });

  it('refuses a token that would change the subject hierarchy', () => {
    expect(() => subjects.inbound('a.b', channel, 0)).toThrow(/cannot be a NATS subject token/);
    expect(() => subjects.inbound(tenant, '>', 0)).toThrow(/cannot be a NATS subject token/);
    expect(() => subjects.inbound('', channel, 0)).toThrow(/cannot be a NATS subject token/);
  });

  it('needs the channel id for channel-scoped subjects, and the partition for inbound ones', () => {
    expect(() => subjectOf('inbound.message', tenant, undefined, 0)).toThrow(/needs the channel id/);
    expect(() => subjectOf('inbound.message', tenant, channel)).toThrow(/needs the conversation's partition/);
    expect(() => subjects.inbound(tenant, channel, CONVERSATION_PARTITIONS)).toThrow(RangeError);
  });

  it('puts every conversation in one partition, the same in every process, spread over all of them', () => {
    expect(conversationPartition(channel, '212600000001@c.us')).toBe(conversationPartition(channel, '212600000001@c.us'));
    const seen = new Map<number, number>();
    for (let chat = 0; chat < 3_200; chat += 1) {
      const partition = conversationPartition(channel, `visitor-${chat}`);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(CONVERSATION_PARTITIONS);
      seen.set(partition, (seen.get(partition) ?? 0) + 1);
    }
    // Every partition gets a fair share (100 each on average): none empty, none with double.
    expect(seen.size).toBe(CONVERSATION_PARTITIONS);
    expect(Math.max(...seen.values())).toBeLessThan(200);
    expect(subjects.all.inboundOfPartition(3)).toBe('sb.in.*.*.3');
    expect(subjects.conversationCommands(tenant, 3)).toBe(`sb.req.conversation-p3.${tenant}`);
    expect(tenantOfSubject(subjects.conversationCommands(tenant, 3))).toBe(tenant);
  });

  it('finds no tenant in a parked or foreign subject', () => {
    expect(tenantOfSubject(subjects.parked(`sb.in.${tenant}.${channel}`))).toBeUndefined();
    expect(tenantOfSubject('other.thing.here')).toBeUndefined();
  });
});
