import { hostname } from 'node:os';
import type { WorkerIdentity } from '@medsweep/workflows';

/** A stable, human-readable identity: which host, which queue, which process. */
export function workerIdentity(queue: string, backend?: string): WorkerIdentity {
  const host = hostname();
  return {
    identity: `${queue}@${host}#${process.pid}`,
    host,
    pid: process.pid,
    queue,
    ...(backend ? { backend } : {}),
  };
}
