import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startConnector } from '@switchboard/connectors';
import { startRunner } from '@switchboard/actors';
import { loadConfig, type AppConfig } from '@switchboard/config';
import { seedDemoTenant, startHub, type DemoTenant } from '@switchboard/hub';
import { seedDemoKnowledge } from './demo-knowledge.ts';
import { createLogger, exitOnStartupError, openInfrastructure, stopOnSignals, type Logger, type RunningRole } from '@switchboard/runtime';
import { buildWidget, startEmbeddedServices, type EmbeddedServices } from '@switchboard/dev';
import { buildDashboardIfStale } from './dashboard-build.ts';
import { loadOrCreateSecretKey } from './secret-key-file.ts';
import { serviceLog } from './service-log.ts';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * `npm start`: the whole product in one process. Starts whatever of NATS, PostgreSQL and
 * Chroma has no URL in the environment, builds the console when its sources changed (in
 * parallel), then runs the runner, connector and hub roles on one set of connections.
 * SIGINT/SIGTERM stop the roles, then the connections, then the services it started.
 */
export async function startAll(env: NodeJS.ProcessEnv): Promise<void> {
  let logger: Logger | undefined;
  let services: EmbeddedServices | undefined;
  const roles: RunningRole[] = [];
  try {
    const loaded = loadConfig(env);
    const config = { ...loaded, secretKey: loaded.secretKey ?? (await loadOrCreateSecretKey(resolve(loaded.dataDir))) };
    logger = createLogger({ level: config.logLevel, role: 'all' });
    const dashboardDir = resolve(config.dashboardDir);
    const dashboard = config.skipDashboardBuild ? Promise.resolve() : buildDashboardIfStale(workspaceRoot, dashboardDir, logger);
    // esbuild bundles the widget in well under a second: always fresh.
    const widget = config.skipDashboardBuild ? Promise.resolve() : buildWidget(workspaceRoot, resolve(config.widgetFile)).then(({ gzipBytes }) => logger?.info({ gzipBytes }, 'widget built'));
    services = await startEmbeddedServices({
      dataDir: resolve(config.dataDir),
      natsUrl: config.natsUrl,
      databaseUrl: config.databaseUrl,
      chromaUrl: config.chromaUrl,
      logger: serviceLog(logger),
    });
    const infrastructure = await openInfrastructure({ ...services, databaseAppUrl: config.databaseAppUrl, secretKey: config.secretKey }, logger, 'switchboard');
    const stopEverything = async () => {
      for (const role of roles.reverse()) await role.stop().catch((error: unknown) => logger?.error({ err: error, role: role.role }, 'role did not stop cleanly'));
      await infrastructure.close();
      await services?.stop();
    };
    stopOnSignals(logger, config.shutdownTimeoutMs, stopEverything);

    const demo = await seedDemoTenant(infrastructure.orm);
    if (demo.created) logger.info({ tenantId: demo.tenantId }, 'demo workspace seeded');
    roles.push(await startRunner(config, logger, infrastructure));
    roles.push(await startConnector(config, logger, infrastructure));
    await dashboard;
    await widget;
    const hub = await startHub({ ...config, dashboardDir }, logger, infrastructure, { demoTenantId: demo.tenantId });
    roles.push(hub);
    await seedDemoKnowledge(hub.address.replace('0.0.0.0', '127.0.0.1'), demo, logger);
    printBanner(config, hub.address, services, demo);
  } catch (error) {
    await Promise.allSettled(roles.map((role) => role.stop()));
    await services?.stop();
    exitOnStartupError(error, logger);
  }
}

function printBanner(config: AppConfig, address: string, services: EmbeddedServices, demo: DemoTenant): void {
  const port = new URL(address).port;
  const url = config.port === 0 && config.publicUrl.endsWith(':0') ? `http://localhost:${port}` : config.publicUrl;
  const origin = (name: string) => (services.started.includes(name) ? 'embedded' : 'external');
  const lines = [
    '',
    `  Switchboard is running at ${url}`,
    `  (listening on ${address})`,
    `  NATS        ${services.natsUrl} (${origin('nats')})`,
    `  PostgreSQL  ${redactPassword(services.databaseUrl)} (${origin('postgres')})`,
    `  Chroma      ${services.chromaUrl} (${origin('chroma')})`,
    `  Data        ${resolve(config.dataDir)}`,
    '',
    `  Demo storefront with the chat widget: ${url}/demo/store`,
    `  Demo workspace "${demo.tenantName}": sign in at ${url}/login as`,
    ...demo.logins.map((login) => `    ${login.role.padEnd(6)} ${login.email}  password ${login.password}`),
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
