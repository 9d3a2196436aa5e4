import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Bus } from '@switchboard/bus';
import type { Orm } from '@switchboard/db';

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus;
    orm: Orm;
  }
}

/** Decorates the app with the bus and the ORM, shared by every route plugin. */
export const infrastructurePlugin = fp(async (app: FastifyInstance, options: { bus: Bus; orm: Orm }) => {
  app.decorate('bus', options.bus);
  app.decorate('orm', options.orm);
}, { name: 'infrastructure' });
