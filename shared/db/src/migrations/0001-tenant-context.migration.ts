import { Migration } from '@mikro-orm/migrations';

/**
 * The tenant context every row-level-security policy reads. `app_current_tenant()` is the
 * tenant set by `SET LOCAL app.current_tenant` in the current transaction, or NULL when none is
 * set, so a policy `tenant_id = app_current_tenant()` matches nothing outside a tenant scope.
 */
export class Migration0001TenantContext extends Migration {
  override name = '0001-tenant-context';

  override up(): void {
    this.addSql(`create or replace function app_current_tenant() returns uuid
      language sql stable parallel safe
      as $$ select nullif(current_setting('app.current_tenant', true), '')::uuid $$;`);
  }

  override down(): void {
    this.addSql('drop function if exists app_current_tenant();');
  }
}
