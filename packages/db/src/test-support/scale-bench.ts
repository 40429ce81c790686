// Scale check of the results store (not part of `npm test`; takes minutes):
//   npm run bench:scale -- [--trials 100000] [--keep]
// Fills a throwaway database on the loadConfig().databaseUrl server with `trials` trials (100 sweeps,
// 10 datasets, 90 % completed), 100 epoch-metric rows per trial (25 epochs x train/val x loss/auc) and
// 6 final metrics per trial, then times the reads the API serves through the Prisma client and prints
// their p50/p95 and the SQL plans. Targets: leaderboard p95 < 50 ms, run detail p95 < 20 ms.
import { performance } from 'node:perf_hooks';
import { createPrismaClient } from '../client.js';
import { applyMigrations } from '../migrate.js';
import { throwawayDatabases, withClient } from './databases.js';

const args = process.argv.slice(2);
const trials = Number(args[args.indexOf('--trials') + 1] ?? 100_000) || 100_000;
const keep = args.includes('--keep');
const SWEEPS = 100;
const DATASETS = 10;
const ITERATIONS = 300;

const dbs = throwawayDatabases();
const url = dbs.next();

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  max ${at(1)} ms  (n=${ms.length})`;
}

async function time(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await run(i); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await run(i);
    ms.push(performance.now() - start);
  }
  console.log(`${label.padEnd(34)} ${stats(ms)}`);
}

try {
  await applyMigrations(url);
  const fill = performance.now();
  await withClient(url, async (c) => {
    // UUIDv7 as the application generates them (time-ordered), so index locality is realistic.
    await c.query(`CREATE FUNCTION pg_temp.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid $$`);
    await c.query(`INSERT INTO projects (id, slug, name) VALUES (pg_temp.uuid7(now()), 'bench', 'Bench')`);
    await c.query(`INSERT INTO datasets (id, project_id, name, content_hash, manifest_uri, splits, num_classes, task, licence, source)
      SELECT pg_temp.uuid7(now()), p.id, 'ds' || d, md5(d::text), 's3://b/ds' || d, '{}', 7, 'multi-class', 'CC', 'bench'
      FROM projects p, generate_series(1, ${DATASETS}) d`);
    await c.query(`INSERT INTO sweeps (id, project_id, name, spec, spec_hash, status, primary_metric, primary_metric_goal, workflow_id)
      SELECT pg_temp.uuid7(now()), p.id, 'sweep' || s, '{}', md5(s::text), 'completed', 'val_auc', 'maximize', 'wf-' || s
      FROM projects p, generate_series(1, ${SWEEPS}) s`);
    await c.query(`CREATE TEMP TABLE s AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM sweeps`);
    await c.query(`CREATE TEMP TABLE d AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM datasets`);
    await c.query(`INSERT INTO trials (id, sweep_id, trial_key, trial_index, dataset_id, architecture, initialisation,
        transfer_mode, config, config_hash, seed, status, best_epoch, primary_metric_value, created_at)
      SELECT pg_temp.uuid7(timestamptz '2026-01-01' + i * interval '1 second'), s.id, 'k' || i, i / ${SWEEPS}, d.id,
        'resnet18', 'scratch', 'full', '{"lr":0.001}', md5(i::text), i,
        CASE WHEN i % 10 = 0 THEN 'failed'::trial_status ELSE 'completed'::trial_status END,
        20, CASE WHEN i % 10 = 0 THEN NULL ELSE random() END, timestamptz '2026-01-01' + i * interval '1 second'
      FROM generate_series(0, ${trials - 1}) i
      JOIN s ON s.n = i % ${SWEEPS} JOIN d ON d.n = (i / 7) % ${DATASETS}`);
    console.log(`trials: ${trials} in ${((performance.now() - fill) / 1000).toFixed(1)} s`);
    const t = performance.now();
    await c.query(`INSERT INTO epoch_metrics (trial_id, epoch, split, name, value)
      SELECT t.id, e, sp, nm, random() FROM (SELECT id FROM trials ORDER BY id) t,
        generate_series(0, 24) e, unnest('{train,val}'::epoch_split[]) sp, unnest('{loss,auc}'::text[]) nm`);
    console.log(`epoch_metrics: ${trials * 100} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await c.query(`INSERT INTO final_metrics (trial_id, split, name, value)
      SELECT t.id, sp, nm, random() FROM trials t, unnest('{val,test}'::final_split[]) sp, unnest('{auc,acc,loss}'::text[]) nm`);
    await c.query(`INSERT INTO trial_attempts (id, trial_id, attempt, worker_identity, host, backend, backend_version, code_version, outcome)
      SELECT pg_temp.uuid7(now()), id, 1, 'w1', 'h1', 'tensorflow', '2.21.0', 'v1', 'completed' FROM trials`);
    await c.query('VACUUM ANALYZE');
    const sizes =
      await c.query(`SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class
      WHERE relname IN ('trials', 'epoch_metrics', 'final_metrics') ORDER BY relname`);
    console.log(sizes.rows.map((r) => `${r.relname} ${r.size}`).join(', '));
  });

  const db = createPrismaClient(url);
  const sweepIds = (await db.sweep.findMany({ select: { id: true } })).map((s) => s.id);
  const datasetIds = (await db.dataset.findMany({ select: { id: true } })).map((d) => d.id);
  const trialIds = (
    await withClient(url, (c) =>
      c.query<{ id: string }>(`SELECT id FROM trials ORDER BY random() LIMIT ${ITERATIONS + 20}`),
    )
  ).rows.map((r) => r.id);
  const pick = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const leaderboardSelect = {
    id: true,
    trialKey: true,
    architecture: true,
    primaryMetricValue: true,
    bestEpoch: true,
  };

  await time('leaderboard by sweep (top 50)', (i) =>
    db.trial.findMany({
      where: { sweepId: pick(sweepIds, i), status: 'completed' },
      orderBy: { primaryMetricValue: 'desc' },
      take: 50,
      select: leaderboardSelect,
    }),
  );
  await time('leaderboard by dataset (top 50)', (i) =>
    db.trial.findMany({
      where: { datasetId: pick(datasetIds, i), status: 'completed' },
      orderBy: { primaryMetricValue: 'desc' },
      take: 50,
      select: leaderboardSelect,
    }),
  );
  await time('leaderboard by test auc (top 50)', () =>
    db.finalMetric.findMany({
      where: { name: 'auc', split: 'test' },
      orderBy: { value: 'desc' },
      take: 50,
      select: { value: true, trial: { select: leaderboardSelect } },
    }),
  );
  await time('run detail (trial + 100 curves)', (i) =>
    db.trial.findUnique({
      where: { id: pick(trialIds, i) },
      include: {
        epochMetrics: { orderBy: [{ epoch: 'asc' }, { split: 'asc' }, { name: 'asc' }] },
        finalMetrics: true,
        attempts: true,
        lineage: true,
        artifacts: true,
      },
    }),
  );
  await db.$disconnect();

  await withClient(url, async (c) => {
    const plans = {
      'leaderboard by sweep': `SELECT id FROM trials WHERE sweep_id = '${sweepIds[0]}' AND status = 'completed' ORDER BY primary_metric_value DESC LIMIT 50`,
      'leaderboard by test auc': `SELECT trial_id FROM final_metrics WHERE name = 'auc' AND split = 'test' ORDER BY value DESC LIMIT 50`,
      'run detail curves': `SELECT * FROM epoch_metrics WHERE trial_id = '${trialIds[0]}' ORDER BY epoch, split, name`,
    };
    for (const [label, sql] of Object.entries(plans)) {
      const plan = await c.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`);
      console.log(`\n${label}:\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
    }
  });
} finally {
  if (keep) console.log(`kept ${url.replace(/:[^:@/]*@/, ':***@')}`);
  else await dbs.dropAll();
}
