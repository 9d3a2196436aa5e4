import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether `pid` is a live process. A zombie counts as dead: in a container whose PID 1 does
 * not reap orphans, a killed server stays a zombie forever and would otherwise look alive.
 */
export function isProcessAlive(pid: number): boolean {
  return pidExists(pid) && processState(pid) !== 'Z';
}

/** The command line of `pid` (arguments joined by spaces), or undefined when unreadable. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

export interface StopPidOptions {
  /** The polite signal; PostgreSQL wants SIGINT (fast shutdown), most servers SIGTERM. */
  signal?: NodeJS.Signals;
  /** How long to wait after the polite signal before SIGKILL. */
  graceMs?: number;
}

/**
 * Stops a process that may not be our child (an orphan left by a killed parent): sends
 * `signal`, polls until it is gone, then SIGKILLs it and its direct children. Resolves once
 * the process is dead; never rejects.
 */
export async function stopPid(pid: number, options: StopPidOptions = {}): Promise<void> {
  const { signal = 'SIGTERM', graceMs = 5_000 } = options;
  if (!isProcessAlive(pid)) return;
  sendSignal(pid, signal);
  if (await waitUntilDead(pid, graceMs)) return;
  // Collect the children first: once the parent dies they are re-parented and lost.
  const children = childPids(pid);
  sendSignal(pid, 'SIGKILL');
  for (const child of children) sendSignal(child, 'SIGKILL');
  await waitUntilDead(pid, 2_000);
}

/**
 * Polls until `pid` is dead; true if it died within `timeoutMs`. A zombie is dead, but its
 * parent (PID 1 for an orphan) gets a moment to reap it, so that a caller checking with
 * `process.kill(pid, 0)` afterwards sees it gone; a parent that never reaps is accepted.
 */
export async function waitUntilDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let reapDeadline: number | undefined;
  for (;;) {
    if (!pidExists(pid)) return true;
    if (processState(pid) === 'Z') {
      reapDeadline ??= Date.now() + 1_000;
      if (Date.now() >= reapDeadline) return true;
    } else if (Date.now() >= deadline) {
      return false;
    }
    await sleep(25);
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Field 3 of /proc/<pid>/stat (R, S, D, Z, ...); undefined off Linux. */
function processState(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat?.state;
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const [state, ppid] = fields;
    return state && ppid ? { state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => readStat(candidate)?.ppid === pid);
}
