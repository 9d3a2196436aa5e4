import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const ticksPerSecond = 100;

/** Fields of /proc/<pid>/stat after the command name (field 3, `state`, is index 0). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond : 0;
}

/** `pid` and every process below it (PostgreSQL's backends are children of the postmaster). */
function treeOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

type Sample = Map<string, Map<number, number>>;

/**
 * CPU time spent by named process trees between `start()` and `stop()`, read from /proc (so
 * Linux only; elsewhere every figure is 0). Shows which process a pipeline figure was bound by.
 */
export class CpuMeter {
  private started: Sample = new Map();
  private startedAt = 0;

  /** `tree`: count the process's descendants too (not for a process whose children are measured apart). */
  constructor(private readonly roots: Record<string, { pid: number; tree?: boolean }>) {}

  start(): void {
    this.started = this.sample();
    this.startedAt = performance.now();
  }

  /** Cores used by each tree over the interval (1.0 is one core busy all the time). */
  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const ended = this.sample();
    const cores: Record<string, number> = {};
    for (const [name, pids] of ended) {
      let spent = 0;
      for (const [pid, cpu] of pids) spent += cpu - (this.started.get(name)?.get(pid) ?? 0);
      cores[name] = seconds > 0 ? spent / seconds : 0;
    }
    return cores;
  }

  private sample(): Sample {
    const sample: Sample = new Map();
    for (const [name, root] of Object.entries(this.roots)) {
      const pids = root.tree ? treeOf(root.pid) : [root.pid];
      sample.set(name, new Map(pids.map((pid) => [pid, cpuSecondsOf(pid)])));
    }
    return sample;
  }
}

/** "hub 0.95, nats 0.20, ..." in cores. */
export function describeCores(cores: Record<string, number>): string {
  return Object.entries(cores).map(([name, used]) => `${name} ${used.toFixed(2)}`).join(', ');
}
