import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * Conversations partitioned across runners (ARCHITECTURE.md: one owner per conversation at a
 * time). Each runner heartbeats in `runner_nodes`; `runner_partitions` says which runner owns each
 * partition until its lease lapses. A tick renews a runner's leases and takes free or lapsed
 * partitions up to its fair share (the partitions over the live runners, rounded up); a runner
 * above its share gives the extra back itself, after it stopped consuming them, so two runners
 * never consume one partition on purpose. Platform tables, no tenant data: row-level security
 * shows them to the platform scope only, which these security-definer functions take.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0014RunnerPartitions extends Migration {
  override name = '0014-runner-partitions';

  override up(): void {
    this.addSql(`create table runner_nodes (
      node text primary key,
      expires_at timestamptz not null
    );`);
    this.addSql(`create table runner_partitions (
      partition integer primary key check (partition >= 0),
      holder text not null,
      expires_at timestamptz not null
    );`);
    for (const table of ['runner_nodes', 'runner_partitions']) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(`alter table ${table} force row level security;`);
      this.addSql(`create policy ${table}_platform on ${table} for all using (app_is_platform()) with check (app_is_platform());`);
    }
    this.addSql(`grant select, insert, update, delete on runner_nodes, runner_partitions to ${app};`);

    // One tick of a runner: heartbeat, renew its leases, take free or lapsed partitions up to its
    // share. Answers the partitions it holds now and its share.
    this.addSql(`create function runner_partition_tick(p_node text, p_ttl_seconds integer, p_count integer)
      returns jsonb
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
        v_live integer;
        v_target integer;
        v_held integer[];
        v_taken integer[];
      begin
        perform set_config('app.platform', 'on', true);
        insert into runner_nodes (node, expires_at) values (p_node, now() + make_interval(secs => p_ttl_seconds))
          on conflict (node) do update set expires_at = excluded.expires_at;
        delete from runner_nodes where expires_at < now() - interval '1 hour';
        select count(*) into v_live from runner_nodes where expires_at > now();
        v_target := ceil(p_count::numeric / greatest(v_live, 1));
        with renewed as (
          update runner_partitions set expires_at = now() + make_interval(secs => p_ttl_seconds)
          where holder = p_node and partition < p_count returning partition
        ) select coalesce(array_agg(partition order by partition), '{}') into v_held from renewed;
        if cardinality(v_held) < v_target then
          with taken as (
            insert into runner_partitions (partition, holder, expires_at)
              select p, p_node, now() + make_interval(secs => p_ttl_seconds)
              from generate_series(0, p_count - 1) p
              where not exists (select 1 from runner_partitions r where r.partition = p and r.expires_at > now())
              order by random()
              limit v_target - cardinality(v_held)
            on conflict (partition) do update set holder = excluded.holder, expires_at = excluded.expires_at
              where runner_partitions.expires_at <= now()
            returning partition
          ) select coalesce(array_agg(partition), '{}') into v_taken from taken;
          v_held := v_held || v_taken;
        end if;
        perform set_config('app.platform', coalesce(previous, ''), true);
        return jsonb_build_object('held', to_jsonb(v_held), 'target', v_target);
      end $$;`);
    // A runner gives partitions back (it stopped consuming them), or leaves (all of them).
    this.addSql(`create function runner_partition_release(p_node text, p_partitions integer[], p_leaving boolean)
      returns void
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        delete from runner_partitions where holder = p_node and (p_leaving or partition = any(p_partitions));
        if p_leaving then delete from runner_nodes where node = p_node; end if;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    for (const fn of ['runner_partition_tick(text, integer, integer)', 'runner_partition_release(text, integer[], boolean)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to ${app};`);
    }
  }
}
