/** A started infrastructure service that its starter owns and must stop. */
export interface RunningService {
  /** Short name used in logs and in `pids.json`: `nats`, `postgres` or `chroma`. */
  name: string;
  /** Where clients connect, e.g. `nats://127.0.0.1:4222`. */
  url: string;
  /** The server process; for PostgreSQL the postmaster. */
  pid: number;
  /** The TCP port on 127.0.0.1 the service listens on. */
  port: number;
  /** Stops the process and waits until it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}
