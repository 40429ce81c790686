import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { MedsweepConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import type { Db } from '@medsweep/db';
import { ObjectStore } from '@medsweep/storage';
import { TASK_QUEUES, workflowsPath, workflowsResolveConditions } from '@medsweep/workflows';
import type {
  EvaluationActivities,
  SegmentTrainer,
  VerificationActivities,
  WorkerIdentity,
} from '@medsweep/workflows';
import { createControlActivities } from './activities/control.js';
import { createDoctorActivities } from './activities/doctor.js';
import { recordOutcomeWith } from './activities/record-outcome.js';
import { reportToSweepRun } from './activities/report-to-sweep.js';
import { failingFast } from './activity-failure.js';
import type { WorkerCapacity } from './identity.js';
import { workerIdentity } from './identity.js';
import { registeringTrials } from './trial-records.js';
import { recordWorker } from './worker-registry.js';

/** What trains on a train worker: the real tfjs trainer, or a synthetic one for orchestration benchmarks. */
export type TrainerFactory = (deps: {
  store: ObjectStore;
  db: Db;
  identity: WorkerIdentity;
}) => SegmentTrainer;

/** What evaluates trained trials on a train worker (robustness, external, subgroups): the real tfjs runner. */
export type EvaluatorFactory = (deps: { store: ObjectStore }) => EvaluationActivities;

/** What verifies trials' lineage on a train worker (re-hashing, and re-evaluation with tfjs). */
export type VerifierFactory = (deps: { store: ObjectStore; db: Db }) => VerificationActivities;

export interface StartWorkerArgs {
  config: MedsweepConfig;
  /** `control` runs workflows and bookkeeping; `train` / `train-<kind>` run trial segments. */
  queue: string;
  /** Activities run at once: trial slots on a train queue, parallel bookkeeping on `control`. */
  concurrency: number;
  /** tfjs backend description for the worker's identity (train workers only). */
  backend?: string;
  /** Required on train queues. */
  trainer?: TrainerFactory;
  /** On train queues whose trials can be evaluated (absent on synthetic ones, whose trials have no weights). */
  evaluator?: EvaluatorFactory;
  /** On train queues whose trials can be verified (absent on synthetic ones, as the evaluator). */
  verifier?: VerifierFactory;
  /** What it trains on (default cpu), recorded in its identity with `concurrency` as its slots. */
  hardware?: WorkerCapacity['hardware'];
}

export interface RunningWorker {
  worker: Worker;
  identity: WorkerIdentity;
  /** Closes the database pool and the Temporal connection once the worker has stopped. */
  close(): Promise<void>;
}

/** After the grace: time for cancelled activities to record themselves before the worker gives up. */
const SHUTDOWN_FORCE_MARGIN_MS = 15_000;

let runtimeInstalled = false;
/** One Temporal runtime per process; its logger says only what needs attention. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

/** Builds a worker with the real dependencies; apps/worker's main and the integration tests both use it. */
export async function createWorker(args: StartWorkerArgs): Promise<RunningWorker> {
  const { config, queue, concurrency, backend } = args;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`--concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  installRuntime();
  const identity = workerIdentity(queue, backend, {
    hardware: args.hardware ?? { accelerator: 'cpu' },
    slots: concurrency,
  });
  const db = createPrismaClient(config.databaseUrl);
  await recordWorker(db, identity);
  const store = new ObjectStore(config.s3);
  const isControl = queue === TASK_QUEUES.control;
  if (!isControl && !args.trainer) throw new TypeError(`a ${queue} worker needs a trainer`);
  const activities = {
    ...createDoctorActivities({ store, db, worker: identity }),
    ...(isControl
      ? failingFast(
          createControlActivities({
            db,
            recordOutcome: recordOutcomeWith(db),
            reportToSweep: reportToSweepRun,
          }),
        )
      : {}),
    ...(!isControl && args.trainer ? registeringTrials(db, args.trainer({ store, db, identity })) : {}),
    ...(!isControl && args.evaluator ? args.evaluator({ store }) : {}),
    ...(!isControl && args.verifier ? args.verifier({ store, db }) : {}),
  };
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: queue,
    identity: identity.identity,
    activities,
    maxConcurrentActivityTaskExecutions: concurrency,
    // Workflows (sweeps and trials) run on the control queue only; train workers just train.
    ...(isControl
      ? {
          workflowsPath: workflowsPath(),
          maxConcurrentWorkflowTaskExecutions: 20,
          bundlerOptions: {
            webpackConfigHook: (webpack) => ({
              ...webpack,
              resolve: { ...webpack.resolve, conditionNames: workflowsResolveConditions() },
            }),
          },
        }
      : {}),
    // A stopping train worker gives its running segment this long to reach a checkpoint and hand back;
    // past the force time run() rejects, so a stuck process still exits (before its pod is killed).
    shutdownGraceTime: config.workerShutdownGraceMs,
    shutdownForceTime: config.workerShutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS,
  });
  return {
    worker,
    identity,
    async close() {
      await Promise.allSettled([db.$disconnect(), connection.close()]);
    },
  };
}
