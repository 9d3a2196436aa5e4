import { Migration } from '@mikro-orm/migrations';

/**
 * Removing a channel keeps its history: the row stays, so its contacts, conversations and
 * messages (which reference it, `on delete cascade`) are not lost, and it is marked `removed`
 * with the time. The lookups that start sessions and take webhooks in (`telegram_channels`,
 * `telegram_webhook_channel`, `whatsapp_channels_to_run`) already answer `active` channels
 * only, so a removed channel is neither run nor reachable; the API hides it from the list. The
 * check keeps the status and the time from disagreeing.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0012ChannelRemoval extends Migration {
  override name = '0012-channel-removal';

  override up(): void {
    this.addSql('alter table channels add column removed_at timestamptz;');
    this.addSql(`alter table channels add constraint channels_removed_check check ((status = 'removed') = (removed_at is not null));`);
  }

  override down(): void {
    // A channel removed meanwhile stays `removed`: still neither run nor reachable.
    this.addSql('alter table channels drop constraint if exists channels_removed_check, drop column if exists removed_at;');
  }
}
