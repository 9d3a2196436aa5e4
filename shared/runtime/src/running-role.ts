/** A role (hub, runner, connector) started in this process. */
export interface RunningRole {
  role: 'hub' | 'runner' | 'connector';
  /** Stops taking new work, finishes work in hand, releases its resources. */
  stop(): Promise<void>;
}
