import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * Telegram channels, read by code that runs for no tenant: the connector role, which holds the
 * bots of every workspace, and the hub's webhook route, which Telegram calls without signing in.
 * Like `channel_by_public_key`, each is a SECURITY DEFINER function answering only the columns
 * its caller needs, so neither opens the platform scope to its caller. A channel's mode,
 * `allowGroups` and bot `@username` live in `channels.settings`; its bot token sealed in
 * `channels.credentials_sealed`.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0008Telegram extends Migration {
  override name = '0008-telegram';

  override up(): void {
    // The connector's sessions: every active Telegram channel of an active workspace, with its
    // sealed token (the connector opens it with SECRET_KEY; the database never sees it in clear).
    this.addSql(`create function telegram_channels()
      returns table (id uuid, tenant_id uuid, settings jsonb, credentials_sealed text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.settings, c.credentials_sealed
          from channels c join tenants t on t.id = c.tenant_id
          where c.type = 'telegram' and c.status = 'active' and t.status = 'active' and c.credentials_sealed is not null
          order by c.created_at;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function telegram_channels() from public;');
    this.addSql(`grant execute on function telegram_channels() to ${app};`);

    // The webhook route, after the secret token checked out: whose channel it is and its
    // settings. No token: the hub needs none to take an update in.
    this.addSql(`create function telegram_webhook_channel(p_channel uuid)
      returns table (id uuid, tenant_id uuid, settings jsonb, tenant_status text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.settings, t.status
          from channels c join tenants t on t.id = c.tenant_id
          where c.id = p_channel and c.type = 'telegram' and c.status = 'active';
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function telegram_webhook_channel(uuid) from public;');
    this.addSql(`grant execute on function telegram_webhook_channel(uuid) to ${app};`);
  }

  override down(): void {
    this.addSql('drop function if exists telegram_webhook_channel(uuid);');
    this.addSql('drop function if exists telegram_channels();');
  }
}
