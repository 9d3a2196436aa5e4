import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isStackReply, type ProcessMemory, type StackConfig, type StackReply, type StackRequest } from './stack-protocol.ts';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const entry = fileURLToPath(new URL('./stack.process.ts', import.meta.url));

/** The server process of the live benchmarks, as the bench process sees it. */
export interface StackProcess {
  url: string;
  pid: number;
  memory(): Promise<ProcessMemory>;
  /** Has the runner drop every live actor; answers the heap before and after. */
  passivate(): Promise<Extract<StackReply, { type: 'passivated' }>>;
  stop(): Promise<void>;
}

/**
 * Spawns `stack.process.ts` on this Node with `--expose-gc` (its memory figures are read after
 * a collection) and `nodeArgs` (e.g. `--cpu-prof`), and waits for it to listen. Requests go one
 * at a time, each with a deadline.
 */
export async function spawnStackProcess(config: StackConfig, options: { nodeArgs?: string[]; startTimeoutMs?: number } = {}): Promise<StackProcess> {
  const { nodeArgs = [], startTimeoutMs = 90_000 } = options;
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '--import', 'tsx', entry, JSON.stringify(config)], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T extends StackReply['type']>(request: StackRequest, expect: T, timeoutMs: number): Promise<Extract<StackReply, { type: T }>> => {
    const answer = queue.then(() => nextReply(child, expect, timeoutMs, () => child.send(request)));
    queue = answer.catch(() => undefined);
    return answer;
  };
  try {
    const ready = await nextReply(child, 'ready', startTimeoutMs, () => undefined);
    return {
      url: ready.url,
      pid: child.pid ?? 0,
      memory: async () => (await ask({ type: 'memory' }, 'memory', 30_000)).memory,
      passivate: () => ask({ type: 'passivate' }, 'passivated', 60_000),
      stop: () => stopChild(child, exited, ask),
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

function nextReply<T extends StackReply['type']>(child: ChildProcess, expect: T, timeoutMs: number, sendRequest: () => void): Promise<Extract<StackReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the bench server process did not answer "${expect}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      if (!isStackReply(message)) return;
      if (message.type === 'failed') finish(new Error(`the bench server process failed: ${message.message}`));
      else if (message.type === expect) finish(undefined, message as Extract<StackReply, { type: T }>);
    };
    const onExit = (code: number | null, signal: string | null) => finish(new Error(`the bench server process exited (${signal ?? code}) before answering "${expect}"`));
    const finish = (error: Error | undefined, reply?: Extract<StackReply, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else if (reply) resolve(reply);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    sendRequest();
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, ask: (request: StackRequest, expect: 'stopped', timeoutMs: number) => Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await ask({ type: 'stop' }, 'stopped', 20_000).catch(() => undefined);
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
