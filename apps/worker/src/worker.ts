import { NativeConnection, Worker } from '@temporalio/worker';
import type { MedsweepConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import { workflowsPath } from '@medsweep/workflows';
import type { TaskQueue } from '@medsweep/workflows';
import { createDoctorActivities } from './activities/doctor.js';
import { workerIdentity } from './identity.js';

export interface StartWorkerArgs {
  config: MedsweepConfig;
  /** Which task queue this process serves. */
  queue: TaskQueue;
  /** Activities run at once: trial slots on `train`, parallel bookkeeping on `control`. */
  concurrency: number;
  /** tfjs backend description for the worker's identity (train workers only). */
  backend?: string;
}

export interface RunningWorker {
  worker: Worker;
  /** Closes the database pool and the Temporal connection once the worker has stopped. */
  close(): Promise<void>;
}

/** Builds a worker with the real dependencies; apps/worker's main and the integration tests both use it. */
export async function createWorker({
  config,
  queue,
  concurrency,
  backend,
}: StartWorkerArgs): Promise<RunningWorker> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`--concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  const identity = workerIdentity(queue, backend);
  const db = createPrismaClient(config.databaseUrl);
  const store = new ObjectStore(config.s3);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: queue,
    identity: identity.identity,
    workflowsPath: workflowsPath(),
    activities: { ...createDoctorActivities({ store, db, worker: identity }) },
    maxConcurrentActivityTaskExecutions: concurrency,
  });
  return {
    worker,
    async close() {
      await Promise.allSettled([db.$disconnect(), connection.close()]);
    },
  };
}
