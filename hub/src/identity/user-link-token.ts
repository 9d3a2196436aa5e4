import { findUserToken, type Orm, type UserTokenPurpose } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashToken } from '@switchboard/security';

/**
 * Resolves a mailed link's token (before anyone is signed in) to its user. Unknown, used,
 * expired and wrong-purpose tokens all answer the same 410, so a link reveals nothing else.
 */
export async function redeemableUserToken(orm: Orm, token: string, purpose: UserTokenPurpose): Promise<{ id: string; userId: string }> {
  const row = await findUserToken(orm.em.fork(), hashToken(token));
  if (row === undefined || row.purpose !== purpose || row.usedAt !== null || row.expiresAt.getTime() <= Date.now()) {
    throw new AppError('SB_ERR_LINK_EXPIRED');
  }
  return { id: row.id, userId: row.userId };
}
