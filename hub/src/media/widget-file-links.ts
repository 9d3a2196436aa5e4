import { mediaIdOf, WIDGET_FILE_PATH, type MessageView } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { readWidgetFileToken, signWidgetFileToken, type DerivedKeys, type WidgetFileClaims } from '@switchboard/security';

const hourMs = 60 * 60_000;

/**
 * The links a storefront visitor opens a conversation's files with: signed, expiring paths on
 * the hub, since the widget has no session and its page is another site. Links expire a day
 * after they are given, rounded up to the hour, so the same file keeps the same link for an
 * hour (browsers cache it) and a reconnecting widget gets fresh ones.
 */
export class WidgetFileLinks {
  constructor(private readonly keys: Pick<DerivedKeys, 'widgetFileKey'>, private readonly ttlMs = 24 * hourMs) {}

  /**
   * A message as a visitor's widget may see it: each kept file's `media:` reference replaced by
   * a signed link to it, and any other reference dropped (the visitor sees the file's name and
   * size). Call it only for non-private messages of that visitor's own conversation.
   */
  forVisitor(tenantId: string, message: MessageView, now = Date.now()): MessageView {
    if (message.attachments.length === 0) return message;
    const expiresAt = Math.ceil((now + this.ttlMs) / hourMs) * (hourMs / 1000);
    return {
      ...message,
      attachments: message.attachments.map(({ url, ...attachment }, index) =>
        mediaIdOf(url) !== undefined && index <= 255
          ? { ...attachment, url: `${WIDGET_FILE_PATH}${signWidgetFileToken(this.keys, { tenantId, messageId: message.id, index, expiresAt })}` }
          : attachment),
    };
  }

  /** What a link opens; a link that is not one of ours is a 404, an expired one a 410, each saying what to do. */
  read(token: string, now = Date.now()): WidgetFileClaims {
    const check = readWidgetFileToken(this.keys, token, now);
    if (check.ok) return check.claims;
    if (check.reason === 'expired') throw new AppError('SB_ERR_LINK_EXPIRED', { message: 'This file link has expired; reopen the chat to get a new one.' });
    throw new AppError('SB_ERR_NOT_FOUND', { message: 'No file has this link; it may have been copied incompletely.' });
  }
}
