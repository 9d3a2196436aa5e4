import { randomUUID } from 'node:crypto';
import type { QueryResult } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/index.ts';
import { openIdentityDatabase, sqlStateOf, type IdentityDatabase } from './support/identity-database.ts';

// Migration 0003's tables under row-level security, as the application role meets them.
let db: IdentityDatabase;
const tenantA = randomUUID();
const tenantB = randomUUID();
const channels: Record<string, string> = {};
const tables = ['channels', 'contacts', 'conversations', 'messages'];

function one<Row>(rows: Row[]): Row {
  if (rows[0] === undefined) throw new Error('the seed insert returned no row');
  return rows[0];
}

async function seedTenant(tenantId: string, slug: string): Promise<void> {
  await db.admin(`insert into tenants (id, name, slug) values ($1, $2, $2)`, [tenantId, slug]);
  const channel = one(await db.admin<{ id: string }>(
    `insert into channels (tenant_id, type, name, public_key) values ($1, 'webchat', 'Website', $2) returning id`,
    [tenantId, `pk_${slug}_key`],
  ));
  channels[tenantId] = channel.id;
  const contact = one(await db.admin<{ id: string }>(`insert into contacts (tenant_id, channel_id, external_id) values ($1, $2, 'visitor-1') returning id`, [tenantId, channel.id]));
  const conversation = one(await db.admin<{ id: string }>(
    `insert into conversations (tenant_id, channel_id, contact_id, external_chat_id) values ($1, $2, $3, 'visitor-1') returning id`,
    [tenantId, channel.id, contact.id],
  ));
  await db.admin(
    `insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, text, status) values ($1, $2, $3, 'm-1', 'inbound', 'customer', 'hi', 'received')`,
    [tenantId, conversation.id, channel.id],
  );
}

beforeAll(async () => {
  db = await openIdentityDatabase('conv');
  await seedTenant(tenantA, 'atlas');
  await seedTenant(tenantB, 'bolt');
});

afterAll(async () => {
  await db?.close();
});

describe('conversation tables under row-level security', () => {
  it("shows tenant A only its own channels, contacts, conversations and messages, and nothing outside a scope", async () => {
    for (const table of tables) {
      const rows = await withTenant(db.orm.em, tenantA, (em) => em.execute<Array<{ tenant_id: string }>>(`select tenant_id from ${table}`));
      // Every tenant also gets its own webchat channel when it is created (migration 0004).
      expect(new Set(rows.map((row) => row.tenant_id)), table).toEqual(new Set([tenantA]));
      expect(rows.length, table).toBeGreaterThan(0);
      expect(await db.orm.em.fork().execute(`select * from ${table}`), table).toEqual([]);
    }
  });

  it("refuses a message written into tenant B from tenant A's scope, and changes none of B's rows", async () => {
    const error = await withTenant(db.orm.em, tenantA, (em) =>
      em.execute(`insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, status)
        select tenant_id, id, channel_id, 'forged', 'outbound', 'agent', 'sent' from conversations`, [], 'run'),
    ).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeUndefined(); // A sees only its own conversations, so the forged row lands in A…
    const intoB = await withTenant(db.orm.em, tenantA, (em) =>
      em.execute(`insert into channels (tenant_id, type, name, public_key) values (?, 'webchat', 'x', 'pk_forged')`, [tenantB], 'run'),
    ).then(() => undefined, (caught: unknown) => sqlStateOf(caught));
    expect(intoB).toBe('42501'); // …and nothing can be written with B's tenant id.
    const updated = await withTenant(db.orm.em, tenantA, (em) => em.execute<QueryResult>(`update messages set text = 'taken' where tenant_id = ?`, [tenantB], 'run'));
    expect(updated.affectedRows).toBe(0);
    expect(await db.admin(`select 1 from messages where text = 'taken'`)).toEqual([]);
  });

  it('stores a channel message once per tenant, channel and external id', async () => {
    const duplicate = await db.admin(
      `insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, status)
       select tenant_id, conversation_id, channel_id, external_id, direction, author_kind, status from messages where tenant_id = $1 and external_id = 'm-1'`,
      [tenantA],
    ).then(() => undefined, (caught: unknown) => sqlStateOf(caught));
    expect(duplicate).toBe('23505');
  });

  it("finds a webchat channel's tenant by its public key without a scope, and nothing for an unknown key", async () => {
    const found = await db.orm.em.fork().execute<Array<{ id: string; tenant_id: string; tenant_status: string }>>('select * from channel_by_public_key(?)', ['pk_atlas_key']);
    expect(found).toEqual([expect.objectContaining({ id: channels[tenantA], tenant_id: tenantA, tenant_status: 'active' })]);
    expect(await db.orm.em.fork().execute('select * from channel_by_public_key(?)', ['pk_nobody'])).toEqual([]);
    // The lookup does not leave the platform scope open behind it.
    expect(await db.orm.em.fork().transactional(async (em) => {
      await em.execute('select * from channel_by_public_key(?)', ['pk_atlas_key']);
      return em.execute('select id from channels');
    })).toEqual([]);
  });
});
