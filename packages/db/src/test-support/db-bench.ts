// Results-store benchmark (not part of `npm test`; a few minutes on 2 cores):
//   npm run bench:db -w @medsweep/db -- [--trials 100000] [--epoch-rows 10000000] [--iterations 200] [--keep]
// Fills a throwaway database on the loadConfig().databaseUrl server: 100 sweeps on 10 datasets, `trials`
// trials (4 architectures x 2 initialisations, 3 seeds per configuration, 90 % completed) with final
// metrics, an attempt, two artifacts and a lineage row each, then `epoch-rows` learning-curve rows loaded
// THROUGH ingestEpochMetrics (the write path workers use). Measures ingest rows/s, then the p50/p95 of
// the leaderboard (per sweep and per dataset, one page of 50 with bootstrap intervals) and of runDetail,
// and of recordFinalResult. Prints a Markdown table and, as its last line, one JSON object.
// Targets (issue 6): ingest >= 250,000 rows/s, leaderboard p95 < 50 ms, run detail p95 < 20 ms.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { finalMetricsHash, sha256Hex } from '@medsweep/core';
import { createPrismaClient, type Db } from '../client.js';
import { redactDatabaseUrl } from '../connection.js';
import { applyMigrations } from '../migrate.js';
import { ingestEpochMetrics, type EpochMetricRow } from '../repositories/epoch-metrics.js';
import { recordFinalResult } from '../repositories/final-result.js';
import { leaderboard } from '../repositories/leaderboard.js';
import { runDetail } from '../repositories/run-detail.js';
import { upsertTrial } from '../repositories/trials.js';
import { fillBulkResults } from './bulk-results.js';
import { throwawayDatabases, withClient } from './databases.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '100000' },
    'epoch-rows': { type: 'string', default: '10000000' },
    iterations: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});
const TRIALS = Number(args.trials);
const EPOCH_ROWS = Number(args['epoch-rows']);
const ITERATIONS = Number(args.iterations);
const WARM_UP = 20;
const SWEEPS = 100;
const DATASETS = 10;
/** Learning-curve rows per trial: epochs x {train, val} x {loss, auc}. */
const ROWS_PER_TRIAL = Math.max(4, Math.round(EPOCH_ROWS / TRIALS / 4) * 4);
/** Trials per ingestEpochMetrics call: a worker fleet's worth of epochs (100,000 rows, 4 statements). */
const TRIALS_PER_CALL = Math.max(1, Math.floor(100_000 / ROWS_PER_TRIAL));
/** Configurations per leaderboard page, as a dashboard shows them (each with a bootstrap interval). */
const PAGE = 50;

interface Timing {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

function percentiles(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)!, n: sorted.length };
}

async function time(run: (i: number) => Promise<unknown>, iterations = ITERATIONS): Promise<Timing> {
  for (let i = 0; i < WARM_UP; i++) await run(i);
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run(i);
    ms.push(performance.now() - start);
  }
  return percentiles(ms);
}

const log = (line: string) => console.error(line);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Learning curves of `trialIds` as workers report them: epochs x {train, val} x {loss, auc}. */
function curves(trialIds: readonly string[]): EpochMetricRow[] {
  const rows: EpochMetricRow[] = [];
  const epochs = ROWS_PER_TRIAL / 4;
  for (const trialId of trialIds) {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const progress = epoch / epochs;
      rows.push(
        { trialId, epoch, split: 'train', name: 'loss', value: 1 - 0.8 * progress + 0.01 * Math.random() },
        { trialId, epoch, split: 'train', name: 'auc', value: 0.5 + 0.45 * progress + 0.01 * Math.random() },
        { trialId, epoch, split: 'val', name: 'loss', value: 1 - 0.7 * progress + 0.02 * Math.random() },
        { trialId, epoch, split: 'val', name: 'auc', value: 0.5 + 0.4 * progress + 0.02 * Math.random() },
      );
    }
  }
  return rows;
}

/** Loads every trial's curves through ingestEpochMetrics; returns rows written and seconds spent in it. */
async function ingestAll(db: Db, trialIds: readonly string[]): Promise<{ rows: number; seconds: number }> {
  let rows = 0;
  let ms = 0;
  for (let from = 0; from < trialIds.length; from += TRIALS_PER_CALL) {
    const batch = curves(trialIds.slice(from, from + TRIALS_PER_CALL));
    const start = performance.now();
    const { inserted } = await ingestEpochMetrics(db, batch);
    ms += performance.now() - start;
    rows += inserted;
    if ((from / TRIALS_PER_CALL) % 20 === 0) log(`  ingested ${rows.toLocaleString('en')} rows`);
  }
  return { rows, seconds: ms / 1000 };
}

/** recordFinalResult on fresh trials of the first sweep: a full result write with its audit event. */
async function timeRecordFinalResult(db: Db): Promise<Timing> {
  const sweep = await db.sweep.findFirstOrThrow({ orderBy: { name: 'asc' } });
  const dataset = await db.dataset.findFirstOrThrow({ where: { projectId: sweep.projectId } });
  const metrics = [
    { split: 'test' as const, name: 'auc', value: 0.9 },
    { split: 'val' as const, name: 'auc', value: 0.91 },
  ];
  return time(async (i) => {
    const { trial } = await upsertTrial(db, {
      sweepId: sweep.id,
      trialKey: `bench-result-${i}`,
      index: 1_000_000 + i,
      datasetId: dataset.id,
      architecture: 'resnet50',
      initialisation: 'scratch',
      transferMode: 'full',
      config: { lr: 0.001 },
      seed: i,
    });
    const weights = sha256Hex(`weights ${i}`);
    const predictions = sha256Hex(`predictions ${i}`);
    await recordFinalResult(db, {
      trialId: trial.id,
      status: 'completed',
      finalMetrics: metrics,
      artifacts: [
        { kind: 'weights', uri: `s3://bench/${trial.id}/w`, sha256: weights, sizeBytes: 1 },
        { kind: 'predictions', uri: `s3://bench/${trial.id}/p`, sha256: predictions, sizeBytes: 1 },
      ],
      lineage: {
        datasetManifestHash: dataset.contentHash,
        specHash: sweep.specHash,
        configHash: trial.configHash,
        codeVersion: 'c'.repeat(40),
        codeDirty: false,
        lockHash: 'd'.repeat(64),
        backend: 'tensorflow',
        backendVersions: { tensorflow: '2.21.0' },
        weightsInHash: null,
        weightsOutHash: weights,
        predictionsHash: predictions,
        metricsHash: finalMetricsHash(metrics),
      },
      actor: 'system:bench',
    });
  });
}

const dbs = throwawayDatabases();
const url = dbs.next();
const started = performance.now();
const loadAtStart = loadavg()[0]!;
let db: Db | undefined;
try {
  log(`bench:db on ${redactDatabaseUrl(url)}: ${TRIALS} trials, ${TRIALS * ROWS_PER_TRIAL} epoch rows`);
  await applyMigrations(url);
  let step = performance.now();
  await fillBulkResults(url, { trials: TRIALS, sweeps: SWEEPS, datasets: DATASETS });
  log(`trials, final metrics, attempts, artifacts, lineage: ${seconds(step)}`);

  db = createPrismaClient(url);
  const trialIds = (await db.trial.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map(
    (t) => t.id,
  );
  step = performance.now();
  const ingest = await ingestAll(db, trialIds);
  const ingestRowsPerSecond = ingest.rows / ingest.seconds;
  log(
    `epoch metrics: ${ingest.rows} rows in ${ingest.seconds.toFixed(1)} s inside ingestEpochMetrics (${seconds(step)} with row generation)`,
  );

  step = performance.now();
  await withClient(url, (c) => c.query('VACUUM ANALYZE'));
  log(`VACUUM ANALYZE: ${seconds(step)}`);

  const sweepIds = (await db.sweep.findMany({ select: { id: true } })).map((s) => s.id);
  const datasetIds = (await db.dataset.findMany({ select: { id: true } })).map((d) => d.id);
  const sample = (
    await withClient(url, (c) =>
      c.query<{ id: string }>(`SELECT id FROM trials ORDER BY random() LIMIT ${ITERATIONS + WARM_UP}`),
    )
  ).rows.map((r) => r.id);
  const metric = { split: 'test', name: 'auc' } as const;
  const bySweep = await time((i) =>
    leaderboard(db!, { scope: { sweepId: sweepIds[i % sweepIds.length]! }, metric, limit: PAGE }),
  );
  const byDataset = await time((i) =>
    leaderboard(db!, { scope: { datasetId: datasetIds[i % datasetIds.length]! }, metric, limit: PAGE }),
  );
  const detail = await time((i) => runDetail(db!, sample[i % sample.length]!));
  const counts = await withClient(url, async (c) => {
    const r =
      await c.query(`SELECT (SELECT count(*) FROM trials) AS trials, (SELECT count(*) FROM epoch_metrics) AS epoch_rows,
      pg_size_pretty(pg_total_relation_size('epoch_metrics')) AS epoch_size`);
    return r.rows[0] as { trials: string; epoch_rows: string; epoch_size: string };
  });
  const page = await leaderboard(db, { scope: { datasetId: datasetIds[0]! }, metric, limit: PAGE });
  // Last: it adds trials.
  const result = await timeRecordFinalResult(db);
  const ms = (t: Timing) => `${t.p50.toFixed(1)} | ${t.p95.toFixed(1)} | ${t.max.toFixed(1)}`;
  console.log(`
Results store at scale: ${Number(counts.trials).toLocaleString('en')} trials, ${Number(counts.epoch_rows).toLocaleString('en')} epoch-metric rows (${counts.epoch_size}); ${ITERATIONS} timed runs after ${WARM_UP} warm-up.

| Measure | Value | Target |
| --- | --- | --- |
| Ingest through ingestEpochMetrics | ${Math.round(ingestRowsPerSecond).toLocaleString('en')} rows/s (${ingest.rows.toLocaleString('en')} rows in ${ingest.seconds.toFixed(1)} s) | >= 250,000 rows/s |

| Query (ms) | p50 | p95 | max | Target p95 |
| --- | ---: | ---: | ---: | ---: |
| Leaderboard per sweep (~${Math.round(TRIALS / SWEEPS)} trials, page of ${PAGE}) | ${ms(bySweep)} | < 50 |
| Leaderboard per dataset (~${Math.round(TRIALS / DATASETS)} trials, ${page.totalConfigurations} configurations, page of ${PAGE}) | ${ms(byDataset)} | < 50 |
| Run detail (trial, ${ROWS_PER_TRIAL} curve points, metrics, attempt, lineage, artifacts) | ${ms(detail)} | < 20 |
| recordFinalResult (one transaction with its audit event) | ${ms(result)} | — |

Total ${seconds(started)} on ${availableParallelism()} cores; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (other processes share the machine: compare runs at similar load).`);
  console.log(
    JSON.stringify({
      trials: Number(counts.trials),
      epochRows: Number(counts.epoch_rows),
      ingestRowsPerSecond: Math.round(ingestRowsPerSecond),
      leaderboardP95Ms: Number(Math.max(bySweep.p95, byDataset.p95).toFixed(2)),
      runDetailP95Ms: Number(detail.p95.toFixed(2)),
    }),
  );
} finally {
  await db?.$disconnect();
  if (args.keep) log(`kept ${redactDatabaseUrl(url)}`);
  else await dbs.dropAll();
}
