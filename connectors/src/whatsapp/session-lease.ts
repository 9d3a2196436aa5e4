import { withTenant, type Orm } from '@switchboard/db';

/**
 * Which connector node runs a channel's session: a row in `channel_leases` (migration 0009)
 * held by one node until it expires. The holder renews it well before then; any node may take
 * a lapsed one, so a session moves when its node dies, and never runs on two nodes at once as
 * long as a holder that cannot renew stops its session (see the session manager).
 */
export class SessionLeases {
  constructor(private readonly orm: Orm, readonly holder: string, private readonly ttlMs: number) {}

  /** Takes or renews the lease; true when this node holds it afterwards. */
  async acquire(tenantId: string, channelId: string): Promise<boolean> {
    const rows = await withTenant(this.orm.em, tenantId, (em) => em.execute<Array<{ holder: string }>>(
      `insert into channel_leases (channel_id, tenant_id, holder, expires_at) values (?, ?, ?, now() + ? * interval '1 millisecond')
       on conflict (channel_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where channel_leases.holder = excluded.holder or channel_leases.expires_at < now()
       returning holder`,
      [channelId, tenantId, this.holder, this.ttlMs],
    ));
    return rows[0]?.holder === this.holder;
  }

  /** Gives the lease up so another node may take the session at once. */
  async release(tenantId: string, channelId: string): Promise<void> {
    await withTenant(this.orm.em, tenantId, (em) => em.execute('delete from channel_leases where channel_id = ? and holder = ?', [channelId, this.holder]));
  }

  /** The node holding a channel's live lease, if any. */
  async holderOf(tenantId: string, channelId: string): Promise<string | undefined> {
    const [row] = await withTenant(this.orm.em, tenantId, (em) => em.execute<Array<{ holder: string }>>('select holder from channel_leases where channel_id = ? and expires_at > now()', [channelId]));
    return row?.holder;
  }
}
