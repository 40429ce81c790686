import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MedsweepConfig } from '@medsweep/config';
import { repoRoot } from '@medsweep/config';
import { MissingBinaryError } from './errors.js';
import { logFile, runningPid, startProcess, stopProcess } from './processes.js';

export interface LocalWorkerArgs {
  /** Unique per stack, e.g. `train-1`; names the state folder `.stack/workers/<name>`. */
  name: string;
  queue: string;
  concurrency: number;
}

const workersDir = (config: MedsweepConfig) => join(config.stackDir, 'workers');

/** Starts a worker process in the background (once per name) with the same settings as this process. */
export function startLocalWorker(
  config: MedsweepConfig,
  w: LocalWorkerArgs,
): { pid: number; log: string; started: boolean } {
  const dir = join(workersDir(config), w.name);
  const existing = runningPid(dir);
  if (existing !== undefined) return { pid: existing, log: logFile(dir), started: false };
  const main = join(repoRoot(), 'apps', 'worker', 'dist', 'main.js');
  if (!existsSync(main)) throw new MissingBinaryError('worker', `${main} (run npm run build)`);
  const pid = startProcess({
    dir,
    command: process.execPath,
    args: [main, '--queue', w.queue, '--concurrency', String(w.concurrency)],
  });
  return { pid, log: logFile(dir), started: true };
}

/** Stops every background worker; Temporal's shutdown grace lets running activities checkpoint first. */
export async function stopLocalWorkers(config: MedsweepConfig): Promise<string[]> {
  const root = workersDir(config);
  if (!existsSync(root)) return [];
  const names = readdirSync(root);
  const stopped = await Promise.all(
    names.map(async (n) => ((await stopProcess(join(root, n), 'SIGTERM', 30_000)) ? n : undefined)),
  );
  return stopped.filter((n): n is string => n !== undefined);
}

export function localWorkers(config: MedsweepConfig): { name: string; pid?: number; log: string }[] {
  const root = workersDir(config);
  if (!existsSync(root)) return [];
  return readdirSync(root).map((name) => {
    const pid = runningPid(join(root, name));
    return { name, ...(pid !== undefined ? { pid } : {}), log: logFile(join(root, name)) };
  });
}
