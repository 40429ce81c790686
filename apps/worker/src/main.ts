#!/usr/bin/env node
// Worker process of the fleet:
//   medsweep-worker [--queue control|train|train-<kind>]... [--concurrency N] [--accelerator auto|cpu|gpu]
//                   [--synthetic-ms N]
// Each --queue is polled by its own Temporal worker in this process (at most one train queue: its
// --concurrency slots are the trials this process trains at once; a control queue beside it gets
// CONTROL_BESIDE_TRAIN_CONCURRENCY). --accelerator auto takes gpu when nvidia-smi lists a GPU this process
// may use; queues ending in -gpu / -cpu are refused to the other kind. SIGTERM or SIGINT stops polling
// and hands running trials back at a checkpoint within MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS.
import { parseArgs } from 'node:util';
import { loadConfig } from '@medsweep/config';
import { listNvidiaGpus } from '@medsweep/ml';
import { isTaskQueue, TASK_QUEUES } from '@medsweep/workflows';
import { createEvaluationActivities } from './activities/evaluate.js';
import { createSyntheticTrainActivities } from './activities/synthetic-train.js';
import { createTrainActivities } from './activities/train.js';
import { createVerificationActivities } from './activities/verify.js';
import { GpuBackendUnavailableError, WorkerArgsError } from './errors.js';
import { workerHardware } from './hardware.js';
import { requestShutdownOnSignals, WorkerShutdown } from './shutdown.js';
import { createWorker } from './worker.js';
import type { EvaluatorFactory, RunningWorker, TrainerFactory, VerifierFactory } from './worker.js';

/** Bookkeeping activities at once on a control queue polled beside a train queue. */
const CONTROL_BESIDE_TRAIN_CONCURRENCY = 8;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string', multiple: true },
      concurrency: { type: 'string', default: '1' },
      accelerator: { type: 'string', default: 'auto' },
      // Orchestration tests and benchmarks only: a fixed-duration fake trainer instead of TensorFlow.
      'synthetic-ms': { type: 'string' },
    },
  });
  const queues = [...new Set(values.queue ?? [TASK_QUEUES.control])];
  for (const queue of queues) {
    if (!isTaskQueue(queue))
      throw new WorkerArgsError('--queue', queue, 'must be control, train or train-<kind>');
  }
  const trainQueues = queues.filter((q) => q !== TASK_QUEUES.control);
  if (trainQueues.length > 1) {
    throw new WorkerArgsError(
      '--queue',
      trainQueues,
      'at most one train queue per process (its slots are the process’s); start one process per train queue',
    );
  }
  const concurrency = Number(values.concurrency);
  const synthetic = values['synthetic-ms'];
  const config = loadConfig();
  const hardwareOf = (declared: string) =>
    workerHardware({
      declared,
      gpus: listNvidiaGpus(config.cudaVisibleDevices),
      queues,
      simulated: synthetic !== undefined,
      ...(config.cudaVisibleDevices !== undefined ? { visibleDevices: config.cudaVisibleDevices } : {}),
    });
  let hardware = hardwareOf(values.accelerator);
  if (hardware.visibleGpus > 1) {
    console.warn(
      `worker: ${hardware.visibleGpus} GPUs visible, trials use only the first; run one worker per GPU with CUDA_VISIBLE_DEVICES`,
    );
  }
  const shutdown = new WorkerShutdown(config.workerShutdownGraceMs);

  let backend: string | undefined;
  let trainer: TrainerFactory | undefined;
  let evaluator: EvaluatorFactory | undefined;
  let verifier: VerifierFactory | undefined;
  if (trainQueues.length > 0) {
    if (synthetic !== undefined) {
      backend = 'synthetic';
      trainer = ({ identity }) =>
        createSyntheticTrainActivities({
          durationMs: Number(synthetic),
          stopping: { shutdown, identity: identity.identity },
        });
    } else {
      const { selectBackend, describeBackend } = await import('@medsweep/ml');
      const selected = await selectBackend({
        allowSlowBackend: config.allowSlowBackend,
        preferGpu: hardware.accelerator === 'gpu',
      });
      backend = describeBackend(selected);
      if (hardware.accelerator === 'gpu' && !selected.gpu) {
        const attempts = selected.attempts
          .map((a) => `${a.package} ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`)
          .join('; ');
        // Asked for a GPU: refuse rather than train on the CPU unnoticed. Only detected: this host is a
        // CPU worker until the GPU build exists (a -gpu queue then refuses it in hardwareOf).
        if (values.accelerator === 'gpu') throw new GpuBackendUnavailableError(backend, attempts);
        console.warn(
          `worker: a GPU is present but TensorFlow runs on the CPU (${attempts}); working as a CPU worker`,
        );
        hardware = hardwareOf('cpu');
      }
      trainer = ({ store, db, identity }) =>
        createTrainActivities({
          store,
          db,
          identity,
          backend: selected,
          cacheDir: config.cacheDir,
          shutdown,
          checkpointsKept: config.checkpointsKept,
        });
      evaluator = ({ store }) =>
        createEvaluationActivities({ store, backend: selected, cacheDir: config.cacheDir });
      verifier = ({ store, db }) => createVerificationActivities({ store, db, backend: selected });
    }
  }

  const workers: RunningWorker[] = [];
  for (const queue of queues) {
    const isControl = queue === TASK_QUEUES.control;
    workers.push(
      await createWorker({
        config,
        queue,
        concurrency: isControl && trainQueues.length > 0 ? CONTROL_BESIDE_TRAIN_CONCURRENCY : concurrency,
        hardware,
        ...(!isControl && backend ? { backend } : {}),
        ...(!isControl && trainer ? { trainer } : {}),
        ...(!isControl && evaluator ? { evaluator } : {}),
        ...(!isControl && verifier ? { verifier } : {}),
      }),
    );
  }
  requestShutdownOnSignals(shutdown);
  for (const { identity } of workers) {
    const gpu = identity.gpu ? `, ${identity.gpu.model} (driver ${identity.gpu.driver})` : '';
    console.log(
      `worker ${identity.identity} polling ${identity.queue} on ${config.temporal.address}/${config.temporal.namespace}` +
        ` (${identity.slots} slot(s), ${identity.accelerator}${gpu}${identity.backend ? `, ${identity.backend}` : ''})` +
        ` on Node ${process.versions.node}`,
    );
  }
  // Temporal stops polling on SIGINT/SIGTERM; running trials hand back within the grace, then run() resolves.
  try {
    await Promise.all(workers.map((w) => w.worker.run()));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

main().catch((e: unknown) => {
  console.error(`worker: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
