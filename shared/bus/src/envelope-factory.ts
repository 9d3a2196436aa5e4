import { randomBytes, randomUUID } from 'node:crypto';
import type { BusData, BusEnvelope, BusMessageType } from '@switchboard/contracts';

/** A new W3C-style trace id (32 hex characters). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Wraps `data` in the bus envelope. Pass the `traceId` of the work that caused this message so
 * one customer message can be followed from connector to console in the logs.
 */
export function createEnvelope<Kind extends BusMessageType>(
  type: Kind,
  tenantId: string,
  data: BusData<Kind>,
  options: { traceId?: string; id?: string; occurredAt?: Date } = {},
): BusEnvelope<Kind> {
  return {
    id: options.id ?? randomUUID(),
    type,
    tenantId,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    traceId: options.traceId ?? newTraceId(),
    data,
  } as BusEnvelope<Kind>;
}
