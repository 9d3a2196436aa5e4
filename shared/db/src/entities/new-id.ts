import { randomUUID } from 'node:crypto';

/**
 * Primary keys are generated here rather than by the column default, so an entity has its id
 * before the flush (a signup inserts the tenant inside that tenant's scope, which needs the id).
 */
export function newId(): string {
  return randomUUID();
}
