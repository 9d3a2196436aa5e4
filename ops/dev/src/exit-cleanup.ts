/** Processes to signal if this process exits while they still run. */
const pending = new Map<number, NodeJS.Signals>();
let hookInstalled = false;

/**
 * Signals `pid` with `signal` when this process exits (`process.exit()`, an uncaught error,
 * an empty event loop) before the returned function is called. A fatal signal or `kill -9`
 * skips 'exit' handlers; the next start cleans up after those.
 */
export function signalOnExit(pid: number, signal: NodeJS.Signals): () => void {
  if (!hookInstalled) {
    hookInstalled = true;
    // 'exit' handlers must be synchronous: sending a signal is all that can be done here.
    process.on('exit', () => {
      for (const [target, targetSignal] of pending) {
        try {
          process.kill(target, targetSignal);
        } catch {
          // Already gone.
        }
      }
    });
  }
  pending.set(pid, signal);
  return () => {
    pending.delete(pid);
  };
}
