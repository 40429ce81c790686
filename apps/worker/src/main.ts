#!/usr/bin/env node
// Worker process: `medsweep-worker --queue control|train|train-<kind> [--concurrency N] [--synthetic-ms N]`.
import { parseArgs } from 'node:util';
import { loadConfig } from '@medsweep/config';
import { isTaskQueue, TASK_QUEUES } from '@medsweep/workflows';
import { createSyntheticTrainActivities } from './activities/synthetic-train.js';
import { createTrainActivities } from './activities/train.js';
import { createWorker } from './worker.js';
import type { TrainerFactory } from './worker.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string', default: TASK_QUEUES.control },
      concurrency: { type: 'string', default: '1' },
      // Orchestration benchmarks only: a fixed-duration fake trainer instead of TensorFlow.
      'synthetic-ms': { type: 'string' },
    },
  });
  const queue = values.queue;
  if (!isTaskQueue(queue)) {
    throw new Error(`--queue must be control, train or train-<kind>, got ${JSON.stringify(queue)}`);
  }
  const config = loadConfig();
  let backend: string | undefined;
  let trainer: TrainerFactory | undefined;
  if (queue !== TASK_QUEUES.control) {
    if (values['synthetic-ms'] !== undefined) {
      const durationMs = Number(values['synthetic-ms']);
      backend = 'synthetic';
      trainer = () => createSyntheticTrainActivities({ durationMs });
    } else {
      const { selectBackend, describeBackend } = await import('@medsweep/ml');
      const selected = await selectBackend({ allowSlowBackend: config.allowSlowBackend });
      backend = describeBackend(selected);
      trainer = ({ store, db, identity }) =>
        createTrainActivities({ store, db, identity, backend: selected, cacheDir: config.cacheDir });
    }
  }
  const { worker, identity, close } = await createWorker({
    config,
    queue,
    concurrency: Number(values.concurrency),
    ...(backend ? { backend } : {}),
    ...(trainer ? { trainer } : {}),
  });
  console.log(
    `worker ${identity.identity} polling ${queue} on ${config.temporal.address}/${config.temporal.namespace}`,
  );
  // Temporal handles SIGINT/SIGTERM: in-flight activities get the shutdown grace, then run() resolves.
  await worker.run();
  await close();
}

main().catch((e: unknown) => {
  console.error(`worker: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
