// A fleet of worker processes, each in a network namespace of its own (a "host"), all pointed at the
// chaos stack. The suite kills, restarts and isolates them one by one.
import { startWorkerProcess } from '../../integration/support/worker-process.js';
import type { WorkerProcess } from '../../integration/support/worker-process.js';
import { createWorkerHost, removeWorkerHost } from './netns.js';
import type { WorkerHost } from './netns.js';

/** Loaded machines take their time to start tfjs and bundle workflows. */
const START_TIMEOUT_MS = 180_000;

export interface FleetWorker {
  name: string;
  host: WorkerHost;
  process: WorkerProcess;
  /** medsweep-worker arguments, e.g. ['--queue', 'control']. */
  args: string[];
  env: Record<string, string>;
}

/** Starts before a worker that exits while starting counts as failed, as a supervisor would allow. */
const START_TRIES = 3;

/**
 * Starts a worker on `host`, starting it again when it exits before polling (on a loaded machine its
 * first connection can time out), as a process supervisor would.
 */
async function startSupervised(
  env: Record<string, string>,
  args: string[],
  host: WorkerHost,
): Promise<WorkerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWorkerProcess(env, args, { netns: host.netns, startTimeoutMs: START_TIMEOUT_MS });
    } catch (e) {
      if (attempt >= START_TRIES) throw e;
      console.warn(
        `worker on ${host.name} did not start (try ${attempt} of ${START_TRIES}): ${(e as Error).message.split('\n').slice(0, 2).join(' ')}`,
      );
    }
  }
}

export class Fleet {
  readonly workers: FleetWorker[] = [];

  /** @param env the chaos stack's environment (global-setup's chaosEnv). */
  constructor(private readonly env: Record<string, string>) {}

  /** A new host `name` with a worker started in it; resolves once the worker polls. */
  async add(name: string, args: string[], env: Record<string, string> = {}): Promise<FleetWorker> {
    const host = await createWorkerHost(name);
    const workerEnv = { ...this.env, ...env };
    const started = await startSupervised(workerEnv, args, host).catch(async (e: unknown) => {
      await removeWorkerHost(host);
      throw e;
    });
    const worker = { name, host, process: started, args, env: workerEnv };
    this.workers.push(worker);
    return worker;
  }

  /** Starts a fresh worker process on the host of `worker` (after a kill); resolves once it polls. */
  async restart(worker: FleetWorker): Promise<FleetWorker> {
    worker.process = await startSupervised(worker.env, worker.args, worker.host);
    return worker;
  }

  /** The worker whose Temporal identity (`<queue>@<host>#<pid>`) is `identity`. */
  byIdentity(identity: string): FleetWorker | undefined {
    return this.workers.find((w) => identity.endsWith(`#${w.process.pid}`));
  }

  /** Kills every worker and removes the hosts (their links' faults go with them). */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.process.stop('SIGKILL')));
    await Promise.allSettled(this.workers.map((w) => removeWorkerHost(w.host)));
    this.workers.length = 0;
  }
}
