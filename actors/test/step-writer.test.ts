import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { deriveKeys } from '@switchboard/security';
import { testLogger, testSecretKey } from '@switchboard/testing';
import { StepRefused, StepWriter } from '../src/conversation/step-writer.ts';

// Steps that pile up share one round trip, each in its own subtransaction: a refused one is
// undone alone, on the real PostgreSQL and the real conversation_step function.
const adminUrl = inject('databaseUrl');
const databaseName = `sb_steps_${randomUUID().replaceAll('-', '')}`;
const tenantId = randomUUID();
let orm: Orm;
let admin: pg.Client;
let channelId: string;

beforeAll(async () => {
  const ownerUrl = await createDatabase(adminUrl, databaseName);
  ({ orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
  admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`insert into tenants (id, name, slug) values ($1, 'Steps', $2)`, [tenantId, `steps-${tenantId.slice(0, 8)}`]);
  channelId = (await admin.query<{ id: string }>(`select id from channels where tenant_id = $1`, [tenantId])).rows[0]?.id ?? '';
});

afterAll(async () => {
  await admin?.end();
  await orm?.close();
  await dropDatabase(adminUrl, databaseName);
});

/** A customer's first message in a new chat, as the runner hands it to conversation_step. */
const firstMessage = (chat: string) => ({
  conversationId: randomUUID(),
  version: 0,
  snapshot: { value: { bot: 'answering' }, context: {} },
  status: 'bot',
  lastPreview: 'hello',
  fromCustomer: true,
  replies: [],
  inbound: { messageId: randomUUID(), channelId, externalMessageId: `${chat}-1`, externalChatId: chat, contact: { externalId: chat }, text: 'hello', attachments: [] },
});

describe('StepWriter', () => {
  it('writes steps that piled up in one call, and undoes a refused one alone', async () => {
    const writer = new StepWriter(orm, 1);
    const first = writer.write(tenantId, firstMessage('alone'));
    // These two wait for the first and go together: the unknown conversation is refused, the other stored.
    const unknown = writer.write(tenantId, { ...firstMessage('ghost'), inbound: undefined });
    const second = writer.write(tenantId, firstMessage('batched'));
    await expect(first).resolves.toMatchObject({ created: true });
    await expect(unknown).rejects.toBeInstanceOf(StepRefused);
    await expect(unknown).rejects.toMatchObject({ state: 'SBNOF' });
    await expect(second).resolves.toMatchObject({ created: true, messages: [expect.objectContaining({ text: 'hello', author_kind: 'customer' })] });
    const chats = (await admin.query<{ external_chat_id: string }>('select external_chat_id from conversations where tenant_id = $1 order by external_chat_id', [tenantId])).rows;
    expect(chats.map((row) => row.external_chat_id)).toEqual(['alone', 'batched']);
  });

  it('refuses a message already stored with SBDUP, in a batch too, and stores nothing of that step', async () => {
    const writer = new StepWriter(orm, 1);
    const step = firstMessage('twice');
    await writer.write(tenantId, step);
    const blocker = writer.write(tenantId, firstMessage('blocker'));
    const again = writer.write(tenantId, { ...step, conversationId: randomUUID(), version: 1 });
    const other = writer.write(tenantId, firstMessage('other'));
    await blocker;
    await expect(again).rejects.toMatchObject({ state: 'SBDUP' });
    await expect(other).resolves.toMatchObject({ created: true });
    const rows = (await admin.query('select 1 from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1', ['twice'])).rows;
    expect(rows).toHaveLength(1);
  });
});
