import { resolve } from 'node:path';
import { buildWidget } from '@switchboard/dev';
import { startAll } from './start-all.ts';
import { startServicesOnly } from './start-services.ts';

const usage = `usage: switchboard <command>

  all         hub, runner and connector in one process on embedded services (npm start)
  hub         the hub role alone, against NATS_URL, DATABASE_URL, CHROMA_URL (npm run start:hub)
  runner      the runner role alone (npm run start:runner)
  connector   the connector role alone (npm run start:connector)
  services    only the embedded NATS, PostgreSQL and Chroma, printing their URLs (npm run services)
  bench       benchmarks, each against the raw cost of the same work (npm run bench)
  build-widget  bundles the storefront widget into WIDGET_FILE (npm run build:widget)
`;

/** Dispatches a `switchboard` command; each role's own `main` validates the environment. */
export async function run(args: readonly string[]): Promise<void> {
  const [command] = args;
  switch (command) {
    case 'all':
      return startAll(process.env);
    case 'hub':
      return (await import('@switchboard/hub')).main(process.env);
    case 'runner':
      return (await import('@switchboard/actors')).main(process.env);
    case 'connector':
      return (await import('@switchboard/connectors')).main(process.env);
    case 'services':
      return startServicesOnly(process.env);
    case 'build-widget': {
      const out = resolve(process.env['WIDGET_FILE'] ?? 'dist/widget/widget.js');
      const size = await buildWidget(process.cwd(), out);
      process.stdout.write(`widget built: ${out} (${size.bytes} bytes, ${size.gzipBytes} gzipped)\n`);
      return;
    }
    case 'bench':
      return (await import('@switchboard/bench')).runBenchmarks(process.env);
    default:
      process.stderr.write(command === undefined || command === 'help' ? usage : `unknown command "${command}"\n\n${usage}`);
      process.exit(command === undefined || command === 'help' ? 0 : 2);
  }
}
