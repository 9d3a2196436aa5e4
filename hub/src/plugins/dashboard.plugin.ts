import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { declareContextAccess } from './access.plugin.ts';

export interface DashboardPluginOptions {
  /** Folder with the built console (`index.html` and its assets). */
  root: string;
}

const notForTheConsole = /^\/(api|socket\.io|widget|health|ready)(\/|$|\?)/;

/**
 * Serves the built Angular console at `/`. Any other GET that is not an API, socket or widget
 * path gets `index.html`, so deep links like `/inbox/123` load the app, which then routes.
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardPluginOptions> = async (app, options) => {
  const root = resolve(options.root);
  const built = existsSync(resolve(root, 'index.html'));
  if (!built) {
    app.log.warn({ root }, 'console not built; run `npm run build:dashboard` (npm start does it for you)');
  }
  // The console's files are public; what it shows is guarded by the API it calls.
  declareContextAccess(app, 'public');
  if (built) {
    await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'], cacheControl: true, maxAge: '1h' });
  }

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (notForTheConsole.test(request.url)) return reply.callNotFound();
    if (!built) {
      return reply.status(503).type('text/plain').send('The console is not built yet. Run `npm run build:dashboard`, or start with `npm start`, which builds it.');
    }
    // index.html names the hashed bundles; it must be revalidated so a deploy takes effect at once.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  });
};
