// npm run bench:scaling — orchestration throughput against the number of train worker processes, on
// the real stack with the synthetic trainer (each segment "trains" a fixed time, no TensorFlow). For each
// fleet size it starts that many worker processes on a queue of its own (each with the same trial
// slots), runs a sweep of a fixed number of waves of trials that fills every slot, and stops them.
// Efficiency = the time the trials would take on those slots with zero overhead / the time they took.
// Temporal's load per trial is counted from the histories: events and workflow tasks of the sweep's runs
// and its trial workflows, divided by the trials.
// Prints a table and, last, one JSON line:
// {"segmentMs", "slotsPerWorker", "runs": [{"workers", "trials", "seconds", "trialsPerSecond",
//   "idealTrialsPerSecond", "efficiency", "duplicates", "eventsPerTrial", "workflowTasksPerTrial"}]}.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '@medsweep/config';
import { createPrismaClient } from '@medsweep/db';
import { createWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import { startWorkerProcess } from '../integration/support/worker-process.js';
import { createSyntheticProject } from '../integration/support/synthetic-project.js';
import { runSyntheticSweep } from './support/synthetic-sweep.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    slots: { type: 'string', default: '4' },
    'segment-ms': { type: 'string', default: '2000' },
    waves: { type: 'string', default: '4' },
  },
});
const fleetSizes = values.workers.split(',').map(Number);
const slots = Number(values.slots);
const segmentMs = Number(values['segment-ms']);
const waves = Number(values.waves);
const tag = randomUUID().slice(0, 8);

const config = loadConfig();
const db = createPrismaClient(config.databaseUrl);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace });

const project = `scaling-${tag}`;
await createSyntheticProject(db, project, 'bench');
// The control plane runs here, large enough never to be the limit of the fleet sizes measured.
const control = await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 50 });
const controlRun = control.worker.run();

interface Run {
  workers: number;
  trials: number;
  seconds: number;
  trialsPerSecond: number;
  idealTrialsPerSecond: number;
  efficiency: number;
  duplicates: number;
  eventsPerTrial: number;
  workflowTasksPerTrial: number;
}

/** History events and workflow tasks of a sweep (every run) and of its trial workflows. */
async function historyLoad(sweepId: string): Promise<{ events: number; workflowTasks: number }> {
  let events = 0;
  let workflowTasks = 0;
  const query = `WorkflowId = "${sweepWorkflowId(sweepId)}" OR WorkflowId STARTS_WITH "trial-${sweepId}-"`;
  for await (const execution of temporal.workflow.list({ query })) {
    const history = await temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    for (const event of history.events ?? []) {
      events++;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks++;
    }
  }
  return { events, workflowTasks };
}

async function measure(workers: number): Promise<Run> {
  const queue = `train-scaling-${tag}-w${workers}`;
  const args = ['--queue', queue, '--concurrency', String(slots), '--synthetic-ms', String(segmentMs)];
  const fleet = await Promise.all(Array.from({ length: workers }, () => startWorkerProcess({}, args)));
  try {
    const parallel = workers * slots;
    const trials = parallel * waves;
    const { sweepId, summary, seconds, recorded, duplicates } = await runSyntheticSweep(
      { db, temporal },
      { name: `scaling ${workers} worker(s)`, project, queue, trials, parallel },
    );
    const idealTrialsPerSecond = parallel / (segmentMs / 1000);
    const trialsPerSecond = summary.counts.completed / seconds;
    const load = await historyLoad(sweepId);
    return {
      workers,
      trials: recorded,
      seconds: round(seconds),
      trialsPerSecond: round(trialsPerSecond),
      idealTrialsPerSecond: round(idealTrialsPerSecond),
      efficiency: round(trialsPerSecond / idealTrialsPerSecond),
      duplicates,
      eventsPerTrial: round(load.events / trials),
      workflowTasksPerTrial: round(load.workflowTasks / trials),
    };
  } finally {
    await Promise.all(fleet.map((w) => w.stop('SIGTERM')));
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

const runs: Run[] = [];
try {
  for (const workers of fleetSizes) runs.push(await measure(workers));
} finally {
  control.worker.shutdown();
  await controlRun.catch(() => undefined);
  await Promise.allSettled([control.close(), connection.close(), db.$disconnect()]);
}

console.log(
  `orchestration throughput vs train worker processes: ${slots} slot(s) each, ${segmentMs} ms synthetic segments, ${waves} waves of trials per run`,
);
console.log(
  '| train workers | trials | seconds | trials/s | ideal trials/s | efficiency | duplicates | events/trial | workflow tasks/trial |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of runs) {
  console.log(
    `| ${r.workers} | ${r.trials} | ${r.seconds} | ${r.trialsPerSecond} | ${r.idealTrialsPerSecond} | ${r.efficiency} | ${r.duplicates} | ${r.eventsPerTrial} | ${r.workflowTasksPerTrial} |`,
  );
}
console.log(JSON.stringify({ segmentMs, slotsPerWorker: slots, runs }));
if (runs.some((r) => r.duplicates !== 0 || r.trials !== r.workers * slots * waves)) process.exit(1);
