import Type, { type Static, type TSchema } from 'typebox';
import { Timestamp, TraceId, Uuid } from './primitives.ts';

/**
 * The one envelope of everything on the bus: `{ id, type, tenantId, occurredAt, traceId, data }`.
 * `type` names the payload (`message.created`, `inbound.message`…) and selects its data schema.
 */
export function Envelope<Kind extends string, Data extends TSchema>(type: Kind, data: Data) {
  return Type.Object(
    {
      id: Uuid,
      type: Type.Literal(type),
      tenantId: Uuid,
      occurredAt: Timestamp,
      traceId: TraceId,
      data,
    },
    { additionalProperties: false, $id: `envelope:${type}` },
  );
}

/** The shape common to every envelope, whatever its data; used before the type is known. */
export const EnvelopeHeader = Type.Object({
  id: Uuid,
  type: Type.String({ minLength: 1, maxLength: 100 }),
  tenantId: Uuid,
  occurredAt: Timestamp,
  traceId: TraceId,
  data: Type.Unknown(),
});
export type EnvelopeHeader = Static<typeof EnvelopeHeader>;

export interface EnvelopeOf<Kind extends string, Data> {
  id: string;
  type: Kind;
  tenantId: string;
  occurredAt: string;
  traceId: string;
  data: Data;
}
