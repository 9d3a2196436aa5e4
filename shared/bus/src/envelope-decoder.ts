import {
  busMessages,
  checkSchema,
  describeIssues,
  EnvelopeHeader,
  isBusMessageType,
  type BusEnvelope,
  type BusMessageType,
} from '@switchboard/contracts';
import type { ErrorCode } from '@switchboard/errors';

export type Decoded<Kind extends BusMessageType> =
  | { ok: true; envelope: BusEnvelope<Kind> }
  | { ok: false; code: ErrorCode; reason: string };

/**
 * Turns raw bytes from the bus into a validated envelope, or a reason it cannot be one.
 * Never throws: a consumer parks what fails here and carries on with the next message.
 */
export function decodeEnvelope<Kind extends BusMessageType>(
  bytes: Uint8Array,
  expected: readonly Kind[] | undefined,
  headerTenantId: string | undefined,
): Decoded<Kind> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, code: 'SB_ERR_BUS_INVALID_PAYLOAD', reason: `not JSON: ${(error as Error).message}` };
  }
  const header = checkSchema(EnvelopeHeader, json);
  if (!header.ok) {
    return { ok: false, code: 'SB_ERR_BUS_INVALID_PAYLOAD', reason: `envelope: ${describeIssues(header.issues)}` };
  }
  const { type, tenantId } = header.value;
  if (!isBusMessageType(type) || (expected !== undefined && !(expected as readonly string[]).includes(type))) {
    return { ok: false, code: 'SB_ERR_BUS_UNKNOWN_TYPE', reason: `type "${type}" is not one this consumer accepts` };
  }
  if (headerTenantId !== undefined && headerTenantId !== tenantId) {
    return { ok: false, code: 'SB_ERR_BUS_INVALID_PAYLOAD', reason: `tenant header ${headerTenantId} does not match envelope tenant ${tenantId}` };
  }
  const data = checkSchema(busMessages[type], header.value.data);
  if (!data.ok) {
    return { ok: false, code: 'SB_ERR_BUS_INVALID_PAYLOAD', reason: `${type} data: ${describeIssues(data.issues)}` };
  }
  return { ok: true, envelope: header.value as BusEnvelope<Kind> };
}
