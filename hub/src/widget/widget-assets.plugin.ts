import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '@switchboard/errors';
import { demoStoreMissingPage, demoStorePage } from './demo-store.page.ts';

export interface WidgetAssetsOptions {
  /** The built widget bundle (`dist/widget/widget.js`, from `npm run build:widget`). */
  widgetFile: string;
  /** The demo tenant's webchat public key, if there is a demo tenant. */
  demoKey: () => Promise<string | undefined>;
}

interface BuiltScript {
  body: Buffer;
  etag: string;
}

/** A host we can put in a CSP source expression; anything stranger is left out. */
const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The demo page runs scripts and opens sockets only to this hub. Browsers before CSP 3 do not
 * let `'self'` cover WebSockets, hence the explicit ws/wss sources.
 */
function demoPolicy(request: FastifyRequest, nonce: string): string {
  const host = request.host;
  const sockets = plainHost.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${sockets}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * `GET /widget.js`, the storefront chat script, which any site may load (it is read once and
 * kept in memory; until it is built, 503 says how to build it), and `GET /demo/store`, a demo
 * shop that embeds it with the demo tenant's key.
 */
export const widgetAssetsPlugin: FastifyPluginAsync<WidgetAssetsOptions> = async (app, { widgetFile, demoKey }) => {
  let built: BuiltScript | undefined;
  const loadScript = async (): Promise<BuiltScript | undefined> => {
    // Only a successful read is kept: a hub started before the build serves it once it exists.
    if (built !== undefined) return built;
    const body = await readFile(widgetFile).catch(() => undefined);
    if (body === undefined) return undefined;
    built = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    return built;
  };

  app.get('/widget.js', {
    config: { access: 'public' },
    schema: { tags: ['widget'], summary: 'The storefront chat widget script', hide: true },
  }, async (request, reply) => {
    const script = await loadScript();
    if (script === undefined) {
      throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The widget is not built; run npm run build:widget' });
    }
    void reply
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .header('x-content-type-options', 'nosniff')
      .header('etag', script.etag);
    if (request.headers['if-none-match'] === script.etag) return reply.status(304).send();
    return reply.type('application/javascript; charset=utf-8').send(script.body);
  });

  app.get('/demo/store', {
    config: { access: 'public' },
    schema: { tags: ['widget'], summary: 'A demo storefront with the chat widget embedded', hide: true },
  }, async (request, reply) => {
    const key = await demoKey();
    const nonce = randomBytes(16).toString('base64');
    void reply
      .header('content-security-policy', demoPolicy(request, nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8');
    if (key === undefined) return reply.status(404).send(demoStoreMissingPage(nonce));
    return reply.send(demoStorePage({ key, nonce }));
  });
};
