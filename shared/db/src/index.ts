export { createOrm, isDatabaseHealthy, migrate, type Orm, type OrmOptions } from './orm.ts';
export { withTenant } from './tenant-scope.ts';
export { migrations } from './migrations/index.ts';
