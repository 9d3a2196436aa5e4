import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DerivedKeys } from './key-derivation.ts';

/** What a widget file link opens: one attachment of one message of one tenant, until a time. */
export interface WidgetFileClaims {
  tenantId: string;
  messageId: string;
  /** The attachment's place on its message (0-based, under 256). */
  index: number;
  /** When the link stops working, in whole seconds since the epoch. */
  expiresAt: number;
}

export type WidgetFileTokenCheck =
  | { ok: true; claims: WidgetFileClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const version = 1;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// version (1) + tenant (16) + message (16) + index (1) + expiry (4), then the MAC.
const bodyLength = 38;
// 128 bits of HMAC-SHA256: far past guessing, and the link stays short (72 characters).
const macLength = 16;
/** Base64url of the 54 bytes, unpadded: exactly this long, so no two spellings decode alike. */
const tokenLength = ((bodyLength + macLength) / 3) * 4;

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const macOf = (keys: Pick<DerivedKeys, 'widgetFileKey'>, body: Buffer) => createHmac('sha256', keys.widgetFileKey).update(body).digest().subarray(0, macLength);

/**
 * A link token for a file a widget visitor may open without a session: the tenant, message,
 * attachment index and expiry, MACed with a key derived from `SECRET_KEY`. Nothing is stored;
 * changing any byte (another tenant, message or file, a later expiry) breaks the MAC.
 */
export function signWidgetFileToken(keys: Pick<DerivedKeys, 'widgetFileKey'>, claims: WidgetFileClaims): string {
  if (!uuidPattern.test(claims.tenantId) || !uuidPattern.test(claims.messageId)) throw new TypeError('a widget file token names a tenant and a message by UUID');
  if (!Number.isInteger(claims.index) || claims.index < 0 || claims.index > 255) throw new RangeError('an attachment index is 0 to 255');
  if (!Number.isInteger(claims.expiresAt) || claims.expiresAt < 0 || claims.expiresAt > 0xffffffff) throw new RangeError('expiresAt is whole seconds since the epoch');
  const body = Buffer.alloc(bodyLength);
  body.writeUInt8(version, 0);
  uuidBytes(claims.tenantId).copy(body, 1);
  uuidBytes(claims.messageId).copy(body, 17);
  body.writeUInt8(claims.index, 33);
  body.writeUInt32BE(claims.expiresAt, 34);
  return Buffer.concat([body, macOf(keys, body)]).toString('base64url');
}

/**
 * Reads a token `signWidgetFileToken` made: `malformed` when it is not one, `forged` when its MAC
 * does not match (compared in constant time), `expired` once `now` (ms) is past its expiry. The
 * MAC is checked before the expiry, so only a genuine link is ever told it expired.
 */
export function readWidgetFileToken(keys: Pick<DerivedKeys, 'widgetFileKey'>, token: string, now = Date.now()): WidgetFileTokenCheck {
  if (token.length !== tokenLength || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== bodyLength + macLength || bytes.readUInt8(0) !== version) return { ok: false, reason: 'malformed' };
  const body = bytes.subarray(0, bodyLength);
  if (!timingSafeEqual(bytes.subarray(bodyLength), macOf(keys, body))) return { ok: false, reason: 'forged' };
  const claims: WidgetFileClaims = {
    tenantId: uuidOf(body.subarray(1, 17)),
    messageId: uuidOf(body.subarray(17, 33)),
    index: body.readUInt8(33),
    expiresAt: body.readUInt32BE(34),
  };
  if (claims.expiresAt * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
