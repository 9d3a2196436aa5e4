import { describe, expect, it } from 'vitest';
import { subjectOf, subjects, tenantOfSubject } from '../src/index.ts';

const tenant = '7d7c2d4e-0a51-4f55-9a57-4d3f1d0c7b10';
const channel = '0b8f0d5e-83c2-4a3c-a5a2-6d8f7b2f0c11';

describe('subjects', () => {
  it('puts the tenant id in the third token of every subject', () => {
    expect(subjects.inbound(tenant, channel)).toBe(`sb.in.${tenant}.${channel}`);
    expect(subjectOf('outbound.message', tenant, channel)).toBe(`sb.out.${tenant}.${channel}`);
    expect(subjectOf('message.created', tenant)).toBe(`sb.evt.${tenant}.message.created`);
    expect(tenantOfSubject(subjectOf('handoff.requested', tenant))).toBe(tenant);
    expect(tenantOfSubject(subjects.request('ai', tenant))).toBe(tenant);
  });

  it('refuses a token that would change the subject hierarchy', () => {
    expect(() => subjects.inbound('a.b', channel)).toThrow(/cannot be a NATS subject token/);
    expect(() => subjects.inbound(tenant, '>')).toThrow(/cannot be a NATS subject token/);
    expect(() => subjects.inbound('', channel)).toThrow(/cannot be a NATS subject token/);
  });

  it('needs the channel id for channel-scoped subjects', () => {
    expect(() => subjectOf('inbound.message', tenant)).toThrow(/needs the channel id/);
  });

  it('finds no tenant in a parked or foreign subject', () => {
    expect(tenantOfSubject(subjects.parked(`sb.in.${tenant}.${channel}`))).toBeUndefined();
    expect(tenantOfSubject('other.thing.here')).toBeUndefined();
  });
});
