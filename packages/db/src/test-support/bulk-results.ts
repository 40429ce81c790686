// Recorded results in bulk, for benchmarks: one project's datasets and sweeps with trials as workers
// record them (final metrics, an attempt, two artifacts and a lineage row each), written in set-based
// SQL, so 100,000 trials take seconds. Used by bench:db (db-bench.ts) and the dashboard benchmarks
// (test/bench). Learning curves are not written: bench:db loads them through ingestEpochMetrics.
import type { JsonObject } from '@medsweep/core';
import { withClient } from './databases.js';

export interface BulkResultsOptions {
  /** Trials in all; trial i belongs to sweep i % sweeps. */
  trials: number;
  /** Default 1. */
  sweeps?: number;
  /** Sweep n runs on dataset n % datasets (named `ds0`, `ds1`, ...). Default 1. */
  datasets?: number;
  /** Slug (and name) of the project created for them. Default `bench`. */
  project?: string;
  /**
   * The spec every sweep stores. Default `{}`: enough for the results store, but pages that read the
   * spec (planned trials, search space) need a real one, with the architectures, arms and 3 seeds below.
   */
  spec?: JsonObject;
  /** Architectures configurations cycle through; default resnet50, vgg16, densenet121, efficientnetb0. */
  architectures?: readonly string[];
  /** Initialisation arms (stored as trials.initialisation); default scratch, imagenet. */
  arms?: readonly string[];
  /** Settings every trial's config carries besides architecture, arm, params and seed (default none). */
  trialConfig?: JsonObject;
}

export interface BulkResults {
  projectId: string;
  /** Sweep n at index n. */
  sweepIds: string[];
}

/** Runs of each configuration, with seeds 0, 1, 2. */
export const BULK_SEEDS_PER_CONFIGURATION = 3;

/**
 * Fills the (migrated, empty) database at `url`. Within a sweep, trial k is configuration k / 3 with
 * seed k % 3; configurations cycle through the architectures, then the arms, then the learning rate
 * (`params.lr`, `params.batchSize`, `params.dropout`). Every tenth trial failed (no results); the others
 * completed with val and test auc, accuracy and loss. Values are random but repeatable (setseed).
 */
export async function fillBulkResults(url: string, options: BulkResultsOptions): Promise<BulkResults> {
  const {
    trials,
    sweeps = 1,
    datasets = 1,
    project = 'bench',
    spec = {},
    architectures = ['resnet50', 'vgg16', 'densenet121', 'efficientnetb0'],
    arms = ['scratch', 'imagenet'],
    trialConfig = {},
  } = options;
  const perArch = BULK_SEEDS_PER_CONFIGURATION;
  const perArm = perArch * architectures.length;
  const perLr = perArm * arms.length;
  return withClient(url, async (c) => {
    await c.query('SELECT setseed(0.42)');
    // UUIDv7 as the application generates them (time-ordered), so index locality is realistic.
    await c.query(`CREATE FUNCTION pg_temp.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid $$`);
    const projectId = (
      await c.query<{ id: string }>(
        `INSERT INTO projects (id, slug, name) VALUES (pg_temp.uuid7(now()), $1, $1) RETURNING id`,
        [project],
      )
    ).rows[0]!.id;
    await c.query(
      `INSERT INTO datasets (id, project_id, name, content_hash, manifest_uri, splits, num_classes, task, licence, source)
      SELECT pg_temp.uuid7(now()), $1::uuid, 'ds' || d, encode(sha256(('ds' || d)::bytea), 'hex'), 's3://b/ds' || d, '{}', 2,
        'binary-class', 'CC BY 4.0', 'bench'
      FROM generate_series(0, ${datasets - 1}) d`,
      [projectId],
    );
    await c.query(
      `CREATE TEMP TABLE d AS SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM datasets`,
    );
    await c.query(
      `INSERT INTO sweeps (id, project_id, name, spec, spec_hash, status, primary_metric, primary_metric_goal, workflow_id,
        started_at, finished_at)
      SELECT pg_temp.uuid7(now()), $1::uuid, 'sweep' || s, $2::jsonb, encode(sha256(('spec' || s)::bytea), 'hex'),
        'completed', 'val_auc', 'maximize', 'sweep-bench-' || s, timestamptz '2026-01-01', timestamptz '2026-01-02'
      FROM generate_series(0, ${sweeps - 1}) s`,
      [projectId, JSON.stringify(spec)],
    );
    await c.query(
      `CREATE TEMP TABLE s AS SELECT id, row_number() OVER (ORDER BY name COLLATE "C") - 1 AS n FROM sweeps`,
    );
    await c.query(
      `INSERT INTO trials (id, sweep_id, trial_key, trial_index, dataset_id, architecture, initialisation,
        transfer_mode, config, config_hash, group_key, seed, status, started_at, finished_at, best_epoch,
        primary_metric_value, result_hash, created_at)
      SELECT pg_temp.uuid7(timestamptz '2026-01-01' + i * interval '1 second'), s.id, 'k' || k, k, d.id,
        ($1::text[])[1 + (k / ${perArch}) % ${architectures.length}], ($2::text[])[1 + (k / ${perArm}) % ${arms.length}], 'full',
        $3::jsonb || jsonb_build_object(
          'architecture', ($1::text[])[1 + (k / ${perArch}) % ${architectures.length}],
          'arm', ($2::text[])[1 + (k / ${perArm}) % ${arms.length}],
          'params', jsonb_build_object('lr', 0.0001 * (1 + (k / ${perLr})),
            'batchSize', (ARRAY[16, 32, 64])[1 + (k / ${perLr}) % 3], 'dropout', ((k / ${perLr}) % 5) / 10.0),
          'seed', k % ${perArch}),
        encode(sha256(('config' || s.n || ':' || k)::bytea), 'hex'),
        encode(sha256(('group' || s.n || ':' || (k / ${perArch}))::bytea), 'hex'),
        k % ${perArch},
        CASE WHEN k % 10 = 9 THEN 'failed'::trial_status ELSE 'completed'::trial_status END,
        timestamptz '2026-01-01', timestamptz '2026-01-02', 20, 0.6 + 0.3 * random(),
        encode(sha256(('result' || i)::bytea), 'hex'),
        timestamptz '2026-01-01' + i * interval '1 second'
      FROM generate_series(0, ${trials - 1}) i
      JOIN s ON s.n = i % ${sweeps} JOIN d ON d.n = s.n % ${datasets}
      CROSS JOIN LATERAL (SELECT i / ${sweeps} AS k) kk`,
      [architectures, arms, JSON.stringify(trialConfig)],
    );
    await c.query(`INSERT INTO final_metrics (trial_id, dataset_id, split, name, value)
      SELECT t.id, t.dataset_id, sp, nm, CASE nm WHEN 'loss' THEN random() ELSE 0.6 + 0.3 * random() END
      FROM trials t, unnest('{val,test}'::final_split[]) sp, unnest('{auc,accuracy,loss}'::text[]) nm
      WHERE t.status = 'completed'`);
    await c.query(`INSERT INTO trial_attempts (id, trial_id, attempt, worker_identity, host, backend, backend_version,
        code_version, outcome)
      SELECT pg_temp.uuid7(t.created_at), t.id, 1, 'train@gpu-' || (t.trial_index % 8) || '#1', 'gpu-' || (t.trial_index % 8),
        'tensorflow', '2.21.0', 'v0.1.0', 'completed'
      FROM trials t`);
    await c.query(`INSERT INTO artifacts (id, trial_id, kind, uri, sha256, size_bytes)
      SELECT pg_temp.uuid7(t.created_at), t.id, k, 's3://medsweep/trials/' || t.id || '/' || k,
        encode(sha256((k::text || t.id)::bytea), 'hex'), 1000000
      FROM trials t, unnest('{weights,predictions}'::artifact_kind[]) k WHERE t.status = 'completed'`);
    await c.query(`INSERT INTO lineage (trial_id, dataset_manifest_hash, spec_hash, config_hash, code_version, code_dirty,
        lock_hash, backend, backend_versions, weights_in_hash, weights_out_hash, predictions_hash, metrics_hash, record_hash)
      SELECT t.id, repeat('a', 64), repeat('b', 64), t.config_hash, repeat('c', 40), false, repeat('d', 64), 'tensorflow',
        '{"tfjs":"4.22.0","tensorflow":"2.21.0"}', NULL, encode(sha256(('weights' || t.id)::bytea), 'hex'),
        encode(sha256(('predictions' || t.id)::bytea), 'hex'), repeat('e', 64), repeat('f', 64)
      FROM trials t WHERE t.status = 'completed'`);
    const { rows } = await c.query<{ id: string }>(`SELECT id FROM s ORDER BY n`);
    return { projectId, sweepIds: rows.map((r) => r.id) };
  });
}
