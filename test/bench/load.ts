// npm run bench:load [-- --connections 50 --duration 30 --trials 10000 --live-trials 300 --segment-ms 2000
//                       --target web|api --build auto|always|never]
// The leaderboard API under load while a sweep writes results (issue 4). A private database holds one
// project with a finished sweep of `trials` recorded trials on dataset ds0; a second sweep of
// `live-trials` synthetic trials on the same dataset is submitted and run by in-process control and
// train workers (a Temporal namespace of its own, so no other suite's workers take its tasks; each
// segment writes its learning curve, each trial its final result). Once it has recorded results,
// autocannon sends `connections` concurrent clients for `duration` seconds at
// GET /api/trpc/leaderboard.get (the dataset's leaderboard: every seeded trial plus the live ones, page of
// 50 with bootstrap intervals), authenticated with a viewer's API token, against the built dashboard
// (`--target web`, `next start`, its own process) or packages/api's handler on a plain node:http server
// (`--target api`, in this process beside autocannon and the workers: for when apps/web cannot be built).
// Errors are connection errors, timeouts and non-2xx answers; the goal is none. Prints a table and, last,
// one JSON object: {"target", "connections", "durationS", "requests", "errors", "non2xx", "latencyMs":
// {"p50", "p99", "max"}, "requestsPerSecond", "liveTrialsRecordedDuringLoad", "met", "loadAverage", ...}.
// Exits 0 whether or not there were errors (`met` says it).
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApiToken, submitSweep } from '@medsweep/api';
import { configFromEnv } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core';
import { createSyntheticTrainActivities, createWorker } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES } from '@medsweep/workflows';
import { Client, Connection } from '@temporalio/client';
import type { WebApp } from '../browser/support/web-app.js';
import { startWebApp } from '../browser/support/web-app.js';
import { ensureNamespace } from '../browser/support/world.js';
import type { ApiServer } from './support/api-server.js';
import { startApiServer } from './support/api-server.js';
import { createSeededProject, SEEDED_DATASET } from './support/seeded-project.js';
import { fetchLeaderboard, queryUrl } from './support/trpc-http.js';
import type { BuildMode } from './support/web-build.js';
import { ensureWebBuild } from './support/web-build.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
    trials: { type: 'string', default: '10000' },
    'live-trials': { type: 'string', default: '300' },
    'segment-ms': { type: 'string', default: '2000' },
    target: { type: 'string', default: 'web' },
    build: { type: 'string', default: 'auto' },
  },
});
const CONNECTIONS = Number(values.connections);
const DURATION_S = Number(values.duration);
const TRIALS = Number(values.trials);
const LIVE_TRIALS = Number(values['live-trials']);
const SEGMENT_MS = Number(values['segment-ms']);
const TARGET = values.target;
const BUILD = values.build as BuildMode;
if (TARGET !== 'web' && TARGET !== 'api') throw new Error(`--target must be web or api, got ${TARGET}`);
if (!['auto', 'always', 'never'].includes(BUILD)) throw new Error(`--build must be auto, always or never`);
/** Temporal namespace of this benchmark's workflows. */
const BENCH_NAMESPACE = 'medsweep-bench';
/** Train queue of the in-process synthetic worker (the live sweep's `resources.queue`). */
const LIVE_QUEUE = 'train-bench-load';
const LIVE_PARALLEL = 8;
/** How long to wait for the live sweep's first recorded result before loading. */
const FIRST_RESULT_TIMEOUT_MS = 180_000;

const log = (line: string) => console.error(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Terminates the running workflows `query` finds in the benchmark's namespace, listing again until none is
 * left (the list trails new starts by a moment). Their database is dropped at the end of a run: a trial
 * left running would retry its activities against the next run's database.
 */
async function terminateRunning(temporal: Client, query: string): Promise<number> {
  let terminated = 0;
  for (let pass = 0; pass < 10; pass++) {
    const open: { workflowId: string; runId: string }[] = [];
    for await (const w of temporal.workflow.list({ query: `ExecutionStatus = "Running" AND (${query})` })) {
      open.push(w);
    }
    if (open.length === 0 && pass > 0) break;
    for (const w of open) {
      await temporal.workflow
        .getHandle(w.workflowId, w.runId)
        .terminate('load benchmark finished')
        .then(() => terminated++)
        .catch(() => undefined); // it ended meanwhile
    }
    await sleep(1000);
  }
  return terminated;
}

if (TARGET === 'web') ensureWebBuild(BUILD, log);
log(`seeding a private database with ${TRIALS.toLocaleString('en')} trials ...`);
const seeded = await createSeededProject({ trials: TRIALS });
const env = { ...seeded.env, TEMPORAL_NAMESPACE: BENCH_NAMESPACE };
const config = configFromEnv({ ...process.env, ...env });
const db = seeded.db;
const workers: RunningWorker[] = [];
const running: Promise<void>[] = [];
let connection: Connection | undefined;
let server: WebApp | ApiServer | undefined;
let liveSweepId: string | undefined;
try {
  await ensureNamespace(config.temporal.address, BENCH_NAMESPACE);
  connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: BENCH_NAMESPACE });
  // The namespace is this benchmark's alone: anything still running there was left by a run that died.
  const leftovers = await terminateRunning(
    temporal,
    'WorkflowId STARTS_WITH "sweep-" OR WorkflowId STARTS_WITH "trial-"',
  );
  if (leftovers > 0) log(`terminated ${leftovers} workflows an earlier run left running`);
  workers.push(
    await createWorker({ config, queue: TASK_QUEUES.control, concurrency: 20 }),
    await createWorker({
      config,
      queue: LIVE_QUEUE,
      concurrency: LIVE_PARALLEL,
      backend: 'synthetic',
      // Each segment also writes its learning curve, as real training does.
      trainer: ({ db: workerDb }) => createSyntheticTrainActivities({ durationMs: SEGMENT_MS, db: workerDb }),
    }),
  );
  running.push(...workers.map((w) => w.worker.run()));

  server = TARGET === 'web' ? await startWebApp(env) : await startApiServer(config);
  log(
    `serving the API at ${server.url} (${TARGET === 'web' ? 'next start, apps/web' : 'node:http + handleTrpcRequest'})`,
  );
  const { secret } = await createApiToken(db, {
    userId: seeded.viewer.id,
    projectId: seeded.projectId,
    projectSlug: seeded.project,
    role: 'viewer',
    name: 'bench-load',
    expiresAt: null,
    actor: 'system:bench',
  });
  const headers = { authorization: `Bearer ${secret}` };

  const liveSpec = parseSweepSpec({
    name: `live sweep during load ${randomUUID().slice(0, 8)}`,
    project: seeded.project,
    dataset: SEEDED_DATASET,
    architectures: ['resnet50', 'vgg16'],
    arms: ['scratch'],
    search: {
      strategy: 'random',
      samples: Math.ceil(LIVE_TRIALS / 2),
      space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 } },
    },
    seeds: [0],
    budget: { maxTrials: LIVE_TRIALS, maxParallel: LIVE_PARALLEL, maxEpochs: 3 },
    resources: { queue: LIVE_QUEUE, gpus: 0 },
  });
  liveSweepId = (await submitSweep({ db, temporal }, liveSpec, 'system:bench', seeded.viewer.id)).sweepId;
  const recorded = () => db.trial.count({ where: { sweepId: liveSweepId, finishedAt: { not: null } } });
  const epochRows = async () =>
    (
      await db.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM epoch_metrics e
        JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${liveSweepId}::uuid`
    )[0].n;
  const waitUntil = Date.now() + FIRST_RESULT_TIMEOUT_MS;
  while ((await recorded()) === 0) {
    if (Date.now() > waitUntil)
      throw new Error(`the live sweep recorded no result within ${FIRST_RESULT_TIMEOUT_MS} ms`);
    await sleep(500);
  }

  const input = {
    scope: { datasetId: seeded.datasetId },
    metric: { split: 'test' as const, name: 'auc' },
    limit: 50,
  };
  const sample = await fetchLeaderboard(server.url, input, headers);
  log(
    `leaderboard of ${SEEDED_DATASET}: ${sample.totalConfigurations} configurations, first page ${sample.entries.length} entries`,
  );
  const before = { recorded: await recorded(), epochRows: await epochRows() };
  const loadAtStart = loadavg()[0]!;
  log(`${CONNECTIONS} connections for ${DURATION_S} s on leaderboard.get while the live sweep runs ...`);
  const result = await autocannon({
    url: queryUrl(server.url, 'leaderboard.get', input),
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers,
  });
  const after = { recorded: await recorded(), epochRows: await epochRows() };
  const liveStatus = (await db.sweep.findUniqueOrThrow({ where: { id: liveSweepId } })).status;
  const loadAtEnd = loadavg()[0]!;

  // autocannon counts timeouts among its errors; non-2xx answers separately.
  const errors = result.errors + result.non2xx;
  const summary = {
    target: TARGET,
    trials: TRIALS,
    connections: CONNECTIONS,
    durationS: result.duration,
    requests: result.requests.total,
    errors,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    liveTrialsRecordedDuringLoad: after.recorded - before.recorded,
    liveEpochRowsWrittenDuringLoad: Number(after.epochRows - before.epochRows),
    liveSweepStatusAtEnd: liveStatus,
    met: errors === 0,
    loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(loadAtEnd.toFixed(2)) },
    cores: availableParallelism(),
  };
  console.log(`
Leaderboard API under load (${TARGET === 'web' ? 'apps/web via next start' : 'packages/api on node:http'}): ${CONNECTIONS} connections for ${DURATION_S} s, dataset leaderboard over ${sample.totalConfigurations} configurations (${TRIALS.toLocaleString('en')} seeded trials + the live sweep's).

| Measure | Value |
| --- | --- |
| Requests | ${summary.requests} (${summary.requestsPerSecond}/s) |
| Errors (connection errors, timeouts, non-2xx) | ${errors} (${result.errors}, ${result.timeouts}, ${result.non2xx}) |
| Latency p50 / p99 / max (ms) | ${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} |
| Live sweep during the load | ${summary.liveTrialsRecordedDuringLoad} trials recorded, ${summary.liveEpochRowsWrittenDuringLoad} learning-curve rows written; ${liveStatus} at the end |

Goal: no errors: ${summary.met ? 'met' : 'NOT met'}. ${availableParallelism()} cores; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end (the load generator, the server, Postgres, Temporal and the workers share them).`);
  console.log(JSON.stringify(summary));
} finally {
  // Workers first, so nothing is mid-task when the live sweep's workflows are terminated.
  for (const w of workers) w.worker.shutdown();
  await Promise.allSettled(running);
  await Promise.allSettled(workers.map((w) => w.close()));
  if (liveSweepId !== undefined && connection !== undefined) {
    const temporal = new Client({ connection, namespace: BENCH_NAMESPACE });
    await terminateRunning(
      temporal,
      `WorkflowId = "${sweepWorkflowId(liveSweepId)}" OR WorkflowId STARTS_WITH "trial-${liveSweepId}-"`,
    );
  }
  await server?.stop();
  await connection?.close();
  await seeded.close();
}
