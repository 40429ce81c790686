// npm run bench:orchestration — orchestration throughput on the real stack, with the synthetic trainer
// (no TensorFlow: each segment returns at once), so it measures Temporal + workflows + Postgres only.
// Prints a table and, last, one JSON line:
// {"trials", "trialsPerSecond", "overheadMsP50", "overheadMsP95", "duplicates"}.
// Overhead per trial = training start (the train activity begins) − the moment the sweep started the
// trial's workflow, i.e. the scheduling cost of a trial once a slot is free.
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { submitSweep } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core';
import { createPrismaClient } from '@medsweep/db';
import { createSyntheticTrainActivities, createWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import type { SweepSummary, TrainActivities } from '@medsweep/workflows';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '1000' },
    parallel: { type: 'string', default: '64' },
  },
});
const trials = Number(values.trials);
const parallel = Number(values.parallel);
const queue = 'train-bench';
const config = loadConfig();
const db = createPrismaClient(config.databaseUrl);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace });

const project = `bench-${randomUUID().slice(0, 8)}`;
const p = await db.project.create({ data: { slug: project, name: project } });
await db.dataset.create({
  data: {
    projectId: p.id,
    name: 'synthetic',
    contentHash: createHash('sha256').update(project).digest('hex'),
    manifestUri: 's3://none/none.json',
    splits: {},
    numClasses: 2,
    task: 'binary-class',
    licence: 'n/a',
    source: 'bench',
  },
});

// Training start per trial, observed where the trainer begins.
const trainingStart = new Map<string, number>();
const synthetic = createSyntheticTrainActivities({ durationMs: 0 });
const timed: TrainActivities = {
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

const spec = parseSweepSpec({
  name: 'orchestration benchmark',
  project,
  dataset: 'synthetic',
  architectures: ['vgg16'],
  arms: ['scratch'],
  search: {
    strategy: 'random',
    samples: trials,
    space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 } },
  },
  seeds: [0],
  budget: { maxTrials: trials, maxParallel: parallel, maxEpochs: 1 },
  resources: { queue, gpus: 0 },
});
const started = Date.now();
const { sweepId } = await submitSweep({ db, temporal }, spec, 'bench');
const summary: SweepSummary = await temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
const seconds = (Date.now() - started) / 1000;

const overheads: number[] = [];
for await (const w of temporal.workflow.list({ query: `WorkflowId STARTS_WITH "trial-${sweepId}-"` })) {
  const index = Number(w.workflowId.split('-').pop());
  const start = trainingStart.get(`${sweepId}:${index}`);
  if (start !== undefined) overheads.push(start - w.startTime.getTime());
}
overheads.sort((a, b) => a - b);
const pct = (q: number) => overheads[Math.min(overheads.length - 1, Math.floor(q * overheads.length))] ?? NaN;
const rows = await db.trial.groupBy({ by: ['index'], where: { sweepId }, _count: true });
const duplicates = rows.reduce((n, r) => n + (r._count - 1), 0);

control.worker.shutdown();
train.worker.shutdown();
await Promise.allSettled(running);
await Promise.allSettled([control.close(), train.close(), connection.close(), db.$disconnect()]);

const result = {
  trials: rows.length,
  trialsPerSecond: Number((summary.counts.completed / seconds).toFixed(2)),
  overheadMsP50: pct(0.5),
  overheadMsP95: pct(0.95),
  duplicates,
};
console.log(`| measure | value |\n| --- | --- |`);
console.log(`| trials recorded (expected ${trials}) | ${result.trials} |`);
console.log(
  `| completed | ${summary.counts.completed} in ${seconds.toFixed(1)} s, ${parallel} in parallel |`,
);
console.log(`| trials/s | ${result.trialsPerSecond} |`);
console.log(`| overhead p50 / p95 (ms) | ${result.overheadMsP50} / ${result.overheadMsP95} |`);
console.log(`| duplicates | ${duplicates} |`);
console.log(JSON.stringify(result));
if (result.trials !== trials || duplicates !== 0) process.exit(1);
