import type { LoginResponse } from '@switchboard/contracts';

/** One workspace offered by a `tenant_required` login answer (contracts `TenantChoice`). */
export type TenantChoice = Extract<LoginResponse, { status: 'tenant_required' }>['tenants'][number];

/** A list answer: `{ items, nextCursor? }`, the shape of the contracts' `Page(item)`. */
export interface PageOf<Item> {
  readonly items: readonly Item[];
  readonly nextCursor?: string;
}
