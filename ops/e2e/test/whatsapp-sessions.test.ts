import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSessionVault, startWhatsAppSessions, type WhatsAppSessionManager } from '@switchboard/connectors';
import { FakeWhatsApp } from '@switchboard/connectors/testing';
import type { ChannelView } from '@switchboard/contracts';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import { eventually, testLogger, testSecretKey } from '@switchboard/testing';
import { LiveStack, type Workspace } from './support/live-stack.ts';

// Connector nodes sharing WhatsApp sessions through PostgreSQL: the per-node ceiling, a lease
// that another node took, and the sealed session vault.
let stack: LiveStack;
let shop: Workspace;
let scratch: string;
const vault = () => postgresSessionVault(stack.orm, createSecretBox(deriveKeys(testSecretKey).encryptionKey));

beforeAll(async () => {
  stack = await LiveStack.start();
  shop = await stack.signUp('wa-nodes');
  scratch = await mkdtemp(join(tmpdir(), 'sb-wa-nodes-'));
});

afterAll(async () => {
  await stack?.close();
  await rm(scratch, { recursive: true, force: true });
});

function node(name: string, world: FakeWhatsApp, maxSessions: number): Promise<WhatsAppSessionManager> {
  return startWhatsAppSessions({
    bus: stack.bus, orm: stack.orm, logger: testLogger(), sessions: new Map(), node: name, authDataPath: join(scratch, name),
    clientFactory: world.factory, vault: vault(), maxSessions, renewIntervalMs: 100, leaseTtlMs: 5_000, backoffMs: () => 0,
  });
}

describe('WhatsApp sessions across connector nodes', () => {
  it('runs no more sessions on a node than its ceiling, leaves the rest to another node, and stops a session whose lease was taken', async () => {
    // No connector runs yet: the channels wait, active, for a node with room.
    const channels = [
      await stack.api<ChannelView>(shop.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'First' }),
      await stack.api<ChannelView>(shop.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Second' }),
    ];
    const small = new FakeWhatsApp();
    const large = new FakeWhatsApp();
    const nodeSmall = await node('node-small', small, 1);
    const nodeLarge = await node('node-large', large, 5);
    try {
      expect(nodeSmall.heldChannels()).toHaveLength(1);
      const [mine] = nodeSmall.heldChannels();
      const other = channels.map((channel) => channel.id).find((id) => id !== mine) ?? '';
      expect(nodeLarge.heldChannels()).toEqual([other]);
      expect(small.clients.map((client) => client.options.channelId)).toEqual([mine]);
      expect(large.clients.map((client) => client.options.channelId)).toEqual([other]);
      const [lease] = await stack.sql<{ holder: string }>('select holder from channel_leases where channel_id = $1', [mine]);
      expect(lease?.holder).toBe('node-small');

      // Someone else holds the lease now (the node was cut off and its lease lapsed meanwhile):
      // at its next renewal the node finds out and stops its copy of the session.
      await stack.sql(`update channel_leases set holder = 'node-elsewhere', expires_at = now() + interval '1 hour' where channel_id = $1`, [mine]);
      await eventually(() => nodeSmall.heldChannels().length === 0, 'the session stopped on the node that lost its lease');
      expect(small.clients.every((client) => client.state === 'destroyed')).toBe(true);
      // Nobody took it over here: the lease is someone else's.
      expect(large.clientsOf(mine ?? '')).toEqual([]);
    } finally {
      await nodeSmall.stop();
      await nodeLarge.stop();
    }
    expect(large.clients.every((client) => client.state === 'destroyed')).toBe(true);
  });

  it('refuses a channel it cannot add, naming the field, and says so when no connector node has room for a start', async () => {
    const wrongType = await stack.app.inject({ method: 'POST', url: '/api/v1/channels', headers: { authorization: `Bearer ${shop.token}` }, payload: { type: 'fax', name: 'Fax' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION' } });
    expect(JSON.stringify(wrongType.json())).toContain('type');
    const noName = await stack.app.inject({ method: 'POST', url: '/api/v1/channels', headers: { authorization: `Bearer ${shop.token}` }, payload: { type: 'whatsapp', name: '' } });
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('name');
    const channel = await stack.api<ChannelView>(shop.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Waiting' });
    // No connector node runs in this test right now: the start is refused, the channel stays active for the next node.
    const start = await stack.app.inject({ method: 'POST', url: `/api/v1/channels/${channel.id}/start`, headers: { authorization: `Bearer ${shop.token}` } });
    expect(start.statusCode).toBe(503);
    expect(start.json()).toMatchObject({ error: { code: 'SB_ERR_DEPENDENCY_DOWN' } });
    const stop = await stack.api<{ status: { state: string } }>(shop.token, 'POST', `/api/v1/channels/${channel.id}/stop`);
    expect(stop.status.state).toBe('stopped');
    const [row] = await stack.sql<{ status: string }>('select status from channels where id = $1', [channel.id]);
    expect(row?.status).toBe('stopped');
    const groups = await stack.app.inject({ method: 'GET', url: `/api/v1/channels/${channel.id}/groups`, headers: { authorization: `Bearer ${shop.token}` } });
    expect(groups.statusCode).toBe(409);
    const agent = await stack.addAgent(shop);
    const byAgent = await stack.app.inject({ method: 'POST', url: `/api/v1/channels/${channel.id}/start`, headers: { authorization: `Bearer ${agent.token}` } });
    expect(byAgent.statusCode).toBe(403);
  });

  it('seals a saved session in PostgreSQL and restores the folder as it was, without the caches', async () => {
    const channel = await stack.api<ChannelView>(shop.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Vault' });
    const dir = join(scratch, 'vault', `session-${channel.id}`);
    await mkdir(join(dir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb'), { recursive: true });
    await mkdir(join(dir, 'Default', 'Cache'), { recursive: true });
    await writeFile(join(dir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000003.log'), 'the linked device keys');
    await writeFile(join(dir, 'Default', 'Local State'), '{"profile":{}}');
    await writeFile(join(dir, 'Default', 'Cache', 'data_0'), 'x'.repeat(10_000));
    await vault().save(shop.tenantId, channel.id, dir);
    const [row] = await stack.sql<{ archive_sealed: string; tenant_id: string }>('select archive_sealed, tenant_id from whatsapp_sessions where channel_id = $1', [channel.id]);
    expect(row?.tenant_id).toBe(shop.tenantId);
    expect(row?.archive_sealed).toMatch(/^v1\./);
    expect(Buffer.from(row?.archive_sealed ?? '').toString()).not.toContain('linked device');

    await rm(dir, { recursive: true, force: true });
    expect(await vault().restore(shop.tenantId, channel.id, dir)).toBe(true);
    expect(await readFile(join(dir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', '000003.log'), 'utf8')).toBe('the linked device keys');
    expect(await readFile(join(dir, 'Default', 'Local State'), 'utf8')).toBe('{"profile":{}}');
    expect(existsSync(join(dir, 'Default', 'Cache'))).toBe(false);

    // Another workspace cannot restore it, and logging out forgets it.
    const other = await stack.signUp('wa-nodes-other');
    expect(await vault().restore(other.tenantId, channel.id, join(scratch, 'elsewhere'))).toBe(false);
    await vault().remove(shop.tenantId, channel.id, dir);
    expect(await vault().restore(shop.tenantId, channel.id, dir)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
