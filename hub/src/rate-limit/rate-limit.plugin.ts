import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isAppError } from '@switchboard/errors';
import type { RateLimitStore } from './rate-limit-store.ts';
import { RateLimiter, rateLimits, type RateLimitRule } from './rate-limiter.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Routes call `app.rateLimiter.consume(key, rateLimits.loginPerIp)` for their own limits. */
    rateLimiter: RateLimiter;
  }
  interface FastifyContextConfig {
    /**
     * `false` exempts a route from the per-address API limit: for channel webhooks, whose
     * provider calls from a few shared addresses for every workspace and which check their
     * own secret first.
     */
    perIpLimit?: boolean;
  }
}

export interface RateLimitPluginOptions {
  /** Owned by the plugin from now on: closed when the app closes. */
  store: RateLimitStore;
  /** Limit on every `/api/` request per client address; default `rateLimits.apiPerIp`. */
  perIp?: RateLimitRule;
}

/**
 * Decorates `app.rateLimiter` and limits every `/api/` request per client address (key
 * `ip:<request.ip>`). If the store is unreachable, the per-address limit lets requests
 * through with a warning rather than take the whole API down; the stricter limits routes
 * apply themselves (sign-in, sign-up) fail closed.
 */
export const rateLimitPlugin = fp<RateLimitPluginOptions>(
  async (app: FastifyInstance, options) => {
    const { store, perIp = rateLimits.apiPerIp } = options;
    const limiter = new RateLimiter(store);
    app.decorate('rateLimiter', limiter);

    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/') || request.routeOptions.config?.perIpLimit === false) return;
      try {
        await limiter.consume(`ip:${request.ip}`, perIp);
      } catch (error) {
        if (isAppError(error) && error.code === 'SB_ERR_DEPENDENCY_DOWN') {
          request.log.warn({ err: error }, 'rate limit not applied: the store is unreachable');
          return;
        }
        throw error;
      }
    });

    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'rate-limit' },
);
