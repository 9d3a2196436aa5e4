export type { RunningService } from './running-service.ts';
export type { ServiceLogger } from './service-logger.ts';
export { quietLogger } from './service-logger.ts';
export { startNatsServer, type NatsServerOptions, type RunningNatsServer } from './nats.service.ts';
export { NATS_INSTALL_HINT } from './nats-binary.ts';
export {
  startPostgres,
  POSTGRES_DATABASE,
  POSTGRES_PASSWORD,
  POSTGRES_USER,
  type PostgresServiceOptions,
} from './postgres.service.ts';
export { createDatabase, dropDatabase, databaseUrl } from './database-admin.ts';
export { withPgClient, type PgClient } from './pg-client.ts';
export { startChroma, type ChromaServiceOptions } from './chroma.service.ts';
export {
  startEmbeddedServices,
  DEFAULT_PORTS,
  type EmbeddedServices,
  type EmbeddedServicesOptions,
} from './embedded-services.ts';
export { freePort, isPortFree, preferredOrFreePort } from './free-port.ts';
export { waitFor, greetsWith, answersHttpOk, type WaitOptions } from './wait-for.ts';
export { isProcessAlive, stopPid } from './process-stop.ts';
export { startRedis, REDIS_INSTALL_HINT, type RedisServiceOptions } from './redis.service.ts';
export { buildWidget } from './widget-build.ts';
