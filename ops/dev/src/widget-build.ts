import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles the storefront widget (`widget/src/main.ts`, Socket.IO client included) into one
 * minified IIFE for `<script src=".../widget.js" async>`, and reports its size raw and gzipped:
 * every storefront page pays for it, so the size is a number to watch.
 */
export async function buildWidget(workspaceRoot: string, outFile: string): Promise<{ bytes: number; gzipBytes: number }> {
  const target = resolve(workspaceRoot, outFile);
  const result = await build({
    absWorkingDir: workspaceRoot,
    entryPoints: [resolve(workspaceRoot, 'widget/src/main.ts')],
    tsconfig: resolve(workspaceRoot, 'widget/tsconfig.json'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    // The browser build of socket.io-client, without the `debug` logger its node build pulls in.
    conditions: ['browser'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no widget bundle');
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, output.contents);
  return { bytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength };
}
