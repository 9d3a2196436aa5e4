import Type, { type Static, type TSchema } from 'typebox';

export const AckError = Type.Object(
  {
    code: Type.String({ pattern: '^SB_ERR_[A-Z_]+$' }),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: false },
);
export type AckError = Static<typeof AckError>;

/** Every socket command is acknowledged with `{ data }` or `{ error: { code, message } }`. */
export function Ack<Data extends TSchema>(data: Data) {
  return Type.Union([
    Type.Object({ data }, { additionalProperties: false }),
    Type.Object({ error: AckError }, { additionalProperties: false }),
  ]);
}

export type AckOf<Data> = { data: Data } | { error: AckError };
