// The fleet roster: one Worker row per process, written when it starts polling and on every doctor
// probe, so who serves which queue with what hardware can be read from Postgres.
import type { Db } from '@medsweep/db';
import { upsertWorker } from '@medsweep/db';
import type { WorkerIdentity } from '@medsweep/workflows';

/** Creates or refreshes this worker's row; returns its id. */
export function recordWorker(db: Db, worker: WorkerIdentity): Promise<string> {
  return upsertWorker(db, {
    identity: worker.identity,
    host: worker.host,
    queue: worker.queue,
    backend: worker.backend ?? null,
    pid: worker.pid,
    accelerator: worker.accelerator,
    slots: worker.slots,
    gpuModel: worker.gpu?.model ?? null,
    gpuDriver: worker.gpu?.driver ?? null,
  });
}
