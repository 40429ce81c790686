#!/usr/bin/env node
// Worker process: `medsweep-worker --queue train|control [--concurrency N]`.
import { parseArgs } from 'node:util';
import { loadConfig } from '@medsweep/config';
import { isTaskQueue, TASK_QUEUES } from '@medsweep/workflows';
import { createWorker } from './worker.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string', default: TASK_QUEUES.control },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const queue = values.queue;
  if (!isTaskQueue(queue)) {
    throw new Error(
      `--queue must be one of ${Object.values(TASK_QUEUES).join(', ')}, got ${JSON.stringify(queue)}`,
    );
  }
  const config = loadConfig();
  let backend: string | undefined;
  if (queue === TASK_QUEUES.train) {
    const { selectBackend, describeBackend } = await import('@medsweep/ml');
    backend = describeBackend(await selectBackend({ allowSlowBackend: config.allowSlowBackend }));
  }
  const { worker, close } = await createWorker({
    config,
    queue,
    concurrency: Number(values.concurrency),
    backend,
  });
  console.log(
    `worker ${worker.options.identity} polling ${queue} on ${config.temporal.address}/${config.temporal.namespace}`,
  );
  // Temporal handles SIGINT/SIGTERM: in-flight activities get their shutdown grace, then run() resolves.
  await worker.run();
  await close();
}

main().catch((e: unknown) => {
  console.error(`worker: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
