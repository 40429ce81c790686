// A worker as its own OS process (apps/worker/src/main.ts from source), so a test can kill -9 it; the
// chaos suite starts it inside a network namespace (`ip netns exec` execs node, so the pid is node's).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { repoRoot } from '@medsweep/config';

export interface WorkerProcess {
  pid: number;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  /** Ends it with the given signal and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How long a worker may take to load tfjs, bundle workflows and start polling (unless told otherwise). */
const START_TIMEOUT_MS = 60_000;

export interface WorkerProcessOptions {
  /** Network namespace to run it in. */
  netns?: string;
  startTimeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `medsweep-worker <args>` with the given environment; resolves once it polls its queue. */
export async function startWorkerProcess(
  env: Record<string, string>,
  args: string[],
  { netns, startTimeoutMs = START_TIMEOUT_MS }: WorkerProcessOptions = {},
): Promise<WorkerProcess> {
  const node = [
    process.execPath,
    '--conditions=@medsweep/source',
    '--import',
    'tsx',
    'apps/worker/src/main.ts',
    ...args,
  ];
  const [command, ...commandArgs] = netns === undefined ? node : ['ip', 'netns', 'exec', netns, ...node];
  const child = spawn(command as string, commandArgs, {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const handle: WorkerProcess = {
    pid: child.pid as number,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited(child);
    },
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!output.includes(' polling ')) {
    if (child.exitCode !== null) throw new Error(`worker ${args.join(' ')} exited early:\n${output}`);
    if (Date.now() > deadline) {
      await handle.stop('SIGKILL');
      throw new Error(
        `worker ${args.join(' ')} did not start polling within ${startTimeoutMs} ms:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle;
}
