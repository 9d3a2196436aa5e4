import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { newId } from './new-id.ts';
import { User } from './user.entity.ts';

export const userTokenPurposes = ['verify_email', 'reset_password'] as const;
export type UserTokenPurpose = (typeof userTokenPurposes)[number];

/**
 * A single-use token mailed to a user (verify the email, reset the password). Only the hash is
 * stored; `auth_user_token(token_hash)` resolves it before the user is known.
 */
export const UserToken = defineEntity({
  name: 'UserToken',
  tableName: 'user_tokens',
  properties: {
    id: p.uuid().primary().onCreate(() => newId()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    purpose: p.enum(userTokenPurposes),
    tokenHash: p.text().unique().hidden(),
    expiresAt: p.datetime().columnType('timestamptz'),
    usedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});

export type UserToken = InferEntity<typeof UserToken>;
