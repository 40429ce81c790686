// npm run bench:orchestration — orchestration on the real stack with the synthetic trainer (no TensorFlow:
// each segment returns at once), so it measures Temporal + workflows + Postgres only. Two sweeps:
// `--trials` (1,000) with `--parallel` (64) slots busy gives throughput; `--latency-trials` (100) two at a
// time gives the scheduling overhead per trial = training start (the trainer begins, once the trial is
// registered) − the moment the sweep started the trial's workflow. Prints a table and, last, one JSON line:
// {"trials", "trialsPerSecond", "overheadMsP50", "overheadMsP95", "saturatedOverheadMsP50",
//  "saturatedOverheadMsP95", "duplicates"}. `--temporal dev|cluster` runs it on a fresh private stack
// (other ports, own data, removed afterwards) with that Temporal server — the dev server, or the cluster
// on Postgres (MEDSWEEP_TEMPORAL=cluster) — instead of the configured stack.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, TEMPORAL_SERVER_MODES } from '@medsweep/config';
import type { MedsweepConfig, TemporalServerMode } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { createSyntheticTrainActivities, createWorker } from '@medsweep/worker';
import { TASK_QUEUES } from '@medsweep/workflows';
import type { SegmentTrainer } from '@medsweep/workflows';
import { privateStack } from '../integration/support/private-stack.js';
import { createSyntheticProject } from '../integration/support/synthetic-project.js';
import { percentiles } from './support/percentiles.js';
import { runSyntheticSweep } from './support/synthetic-sweep.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '1000' },
    parallel: { type: 'string', default: '64' },
    'latency-trials': { type: 'string', default: '100' },
    temporal: { type: 'string' },
  },
});
const mode = values.temporal;
if (mode !== undefined && !(TEMPORAL_SERVER_MODES as readonly string[]).includes(mode)) {
  console.error(`--temporal ${mode}: must be one of ${TEMPORAL_SERVER_MODES.join(', ')}`);
  process.exit(2);
}
const trials = Number(values.trials);
const parallel = Number(values.parallel);
const latencyTrials = Number(values['latency-trials']);
const queue = 'train-bench';
// Ports of the private stack, clear of the shared stack's and the test suites' private ones.
const stack =
  mode === undefined
    ? undefined
    : privateStack(
        { temporal: 27233, temporalUi: 28233, s3: 29000, s3Console: 29001, postgres: 55437 },
        { temporal: mode as TemporalServerMode },
      );
/** Both sweeps on the stack `config` names; prints the table and the JSON line; true when nothing was lost or repeated. */
async function benchmark(config: MedsweepConfig): Promise<boolean> {
  const db = createPrismaClient(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });

  const project = `bench-${randomUUID().slice(0, 8)}`;
  await createSyntheticProject(db, project, 'bench');

  // Training start per trial, observed where the trainer begins (the worker has registered the trial by then).
  const trainingStart = new Map<string, number>();
  const synthetic = createSyntheticTrainActivities({ durationMs: 0 });
  const timed: SegmentTrainer = {
    async trainSegment(input) {
      if (!trainingStart.has(input.trial.trialKey)) trainingStart.set(input.trial.trialKey, Date.now());
      return synthetic.trainSegment(input);
    },
  };
  const control = await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 50 });
  const train = await createWorker({
    config,
    queue,
    concurrency: parallel,
    backend: 'synthetic',
    trainer: () => timed,
  });
  const running = [control.worker.run(), train.worker.run()];

  /** One sweep of `n` synthetic trials, `inParallel` at a time: its rate, per-trial overheads and duplicates. */
  async function runSweep(n: number, inParallel: number) {
    const run = await runSyntheticSweep(
      { db, temporal },
      {
        name: `orchestration benchmark (${n} trials, ${inParallel} in parallel)`,
        project,
        queue,
        trials: n,
        parallel: inParallel,
      },
    );
    const overheads: number[] = [];
    for await (const w of temporal.workflow.list({
      query: `WorkflowId STARTS_WITH "trial-${run.sweepId}-"`,
    })) {
      const index = Number(w.workflowId.split('-').pop());
      const start = trainingStart.get(`${run.sweepId}:${index}`);
      if (start !== undefined) overheads.push(start - w.startTime.getTime());
    }
    const { p50, p95 } = percentiles(overheads);
    return {
      ...run,
      completed: run.summary.counts.completed,
      trialsPerSecond: Number((run.summary.counts.completed / run.seconds).toFixed(2)),
      p50,
      p95,
    };
  }

  // Throughput with every slot busy; scheduling overhead with the system not saturated (a trial's latency
  // at full load is mostly queueing behind the other slots' work, which says nothing about scheduling).
  const load = await runSweep(trials, parallel);
  const light = await runSweep(latencyTrials, 2);

  control.worker.shutdown();
  train.worker.shutdown();
  await Promise.allSettled(running);
  await Promise.allSettled([control.close(), train.close(), connection.close(), db.$disconnect()]);

  const result = {
    trials: load.recorded,
    trialsPerSecond: load.trialsPerSecond,
    overheadMsP50: light.p50,
    overheadMsP95: light.p95,
    saturatedOverheadMsP50: load.p50,
    saturatedOverheadMsP95: load.p95,
    duplicates: load.duplicates + light.duplicates,
  };
  console.log(`| measure | value |\n| --- | --- |`);
  console.log(
    `| Temporal | ${stack ? `${mode}, fresh private stack` : `configured stack (${config.temporal.server})`} |`,
  );
  console.log(`| trials recorded (expected ${trials}) | ${load.recorded} |`);
  console.log(`| completed | ${load.completed} in ${load.seconds.toFixed(1)} s, ${parallel} in parallel |`);
  console.log(`| trials/s | ${load.trialsPerSecond} |`);
  console.log(
    `| overhead p50 / p95 (ms), ${latencyTrials} trials 2 at a time | ${light.p50} / ${light.p95} |`,
  );
  console.log(`| overhead p50 / p95 (ms), all ${parallel} slots busy | ${load.p50} / ${load.p95} |`);
  console.log(`| duplicates | ${result.duplicates} |`);
  console.log(JSON.stringify(result));
  return load.recorded === trials && light.recorded === latencyTrials && result.duplicates === 0;
}

await stack?.up();
try {
  if (!(await benchmark(stack?.config ?? loadConfig()))) process.exitCode = 1;
} finally {
  // The private stack's servers are detached processes: never leave them behind, pass or fail.
  await stack?.destroy();
}
