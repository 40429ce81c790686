// The fleet roster: one Worker row per process, written when it starts polling and on every doctor
// probe, so who serves which queue with what hardware can be read from Postgres.
import type { Db } from '@medsweep/db';
import type { WorkerIdentity } from '@medsweep/workflows';

/** Creates or refreshes this worker's row; returns its id. */
export async function recordWorker(db: Db, worker: WorkerIdentity): Promise<string> {
  const fields = {
    host: worker.host,
    queue: worker.queue,
    backend: worker.backend ?? null,
    pid: worker.pid,
    accelerator: worker.accelerator,
    slots: worker.slots,
    gpuModel: worker.gpu?.model ?? null,
    gpuDriver: worker.gpu?.driver ?? null,
    lastSeenAt: new Date(),
  };
  const row = await db.worker.upsert({
    where: { identity: worker.identity },
    create: { identity: worker.identity, ...fields },
    update: fields,
    select: { id: true },
  });
  return row.id;
}
