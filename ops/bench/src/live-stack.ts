import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, startNatsServer, startPostgres, type RunningNatsServer, type RunningService } from '@switchboard/dev';
import { spawnStackProcess, type StackProcess } from './stack-process.ts';

/** The signed-up workspace the bench's visitors write to and whose console counts. */
export interface BenchWorkspace {
  tenantId: string;
  token: string;
  widgetKey: string;
}

/**
 * The live benchmarks' services: a nats-server and a PostgreSQL of their own in a temporary
 * directory, the product in a server process (`stack.process.ts`), one workspace signed up
 * through the API, and an owner connection to read what was stored. `close()` undoes all of it
 * in reverse order, whatever failed.
 */
export class LiveStack {
  nats!: RunningNatsServer;
  postgres!: RunningService;
  server!: StackProcess;
  workspace!: BenchWorkspace;
  private admin: pg.Client | undefined;
  private readonly teardown: Array<() => Promise<unknown>> = [];

  /** `serverNodeArgs`: extra Node flags for the server process (a CPU profile, say). */
  static async start(serverNodeArgs: string[] = []): Promise<LiveStack> {
    const stack = new LiveStack();
    try {
      await stack.boot(serverNodeArgs);
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private async boot(serverNodeArgs: string[]): Promise<void> {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-bench-live-'));
    this.teardown.push(() => rm(dataDir, { recursive: true, force: true }));
    const [nats, postgres] = await Promise.all([startNatsServer({ dataDir }), startPostgres({ dataDir, ephemeral: true })]);
    this.nats = nats;
    this.postgres = postgres;
    this.teardown.push(() => nats.stop(), () => postgres.stop());
    const databaseUrl = await createDatabase(postgres.url, 'sb_bench');
    const secretKey = randomBytes(32).toString('hex');
    this.server = await spawnStackProcess({ mode: 'live', natsUrl: nats.url, databaseUrl, secretKey, outboxDir: join(dataDir, 'mail') }, { nodeArgs: serverNodeArgs });
    this.teardown.push(() => this.server.stop());
    this.admin = new pg.Client({ connectionString: databaseUrl });
    await this.admin.connect();
    this.teardown.push(() => this.admin?.end() ?? Promise.resolve());
    this.workspace = await this.signUp();
  }

  get url(): string {
    return this.server.url;
  }

  /** SQL as the database owner (past row-level security), to read what was stored. */
  async sql<Row extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<Row[]> {
    if (!this.admin) throw new Error('the live stack is not started');
    return (await this.admin.query<Row>(text, params)).rows;
  }

  async close(): Promise<void> {
    for (const step of this.teardown.splice(0).reverse()) {
      await step().catch((error: unknown) => process.stderr.write(`bench cleanup: ${error instanceof Error ? error.message : String(error)}\n`));
    }
  }

  /** A workspace through `POST /api/v1/auth/signup` (its webchat channel comes with it), then the channel's public key. */
  private async signUp(): Promise<BenchWorkspace> {
    const label = randomUUID().slice(0, 8);
    const signup = await fetch(`${this.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantName: `Bench ${label}`, name: `Owner ${label}`, email: `owner-${label}@example.test`, password: 'correct horse battery staple' }),
    });
    if (signup.status !== 201) throw new Error(`bench signup failed: ${signup.status} ${await signup.text()}`);
    const session = (await signup.json()) as { accessToken?: unknown; me?: { tenant?: { id?: unknown } } };
    const token = typeof session.accessToken === 'string' ? session.accessToken : '';
    const tenantId = typeof session.me?.tenant?.id === 'string' ? session.me.tenant.id : '';
    const channels = await fetch(`${this.url}/api/v1/channels`, { headers: { authorization: `Bearer ${token}` } });
    const list = (await channels.json()) as { items?: Array<{ type?: unknown; publicKey?: unknown }> };
    const widgetKey = list.items?.find((channel) => channel.type === 'webchat')?.publicKey;
    if (token === '' || tenantId === '' || typeof widgetKey !== 'string') throw new Error(`bench signup answered no token, tenant or webchat key (channels: ${channels.status})`);
    return { tenantId, token, widgetKey };
  }
}
