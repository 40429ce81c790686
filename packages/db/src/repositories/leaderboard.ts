// Leaderboards served from SQL: the database ranks completed trials' configurations (groupKey) by mean
// and returns one page of them with their runs; core's rankConfigurations adds the statistics (mean, std,
// Student-t interval over seeds) for just that page. Indexes: trials (sweep_id | dataset_id, status, group_key, seed,
// id); final_metrics by primary key within a sweep, by (dataset_id, name, split, trial_id, value) within
// a dataset.
import {
  configWithoutSeed,
  rankConfigurations,
  type JsonObject,
  type LeaderboardEntry,
  type MetricGoal,
} from '@medsweep/core';
import type { IntervalOptions } from '@medsweep/core';
import { InvalidRecordError } from '../errors.js';
import type { FinalSplit } from '../generated/prisma/enums.js';
import type { DbClient } from './db-client.js';

/** Which trials a leaderboard ranks: one sweep, or every sweep on one dataset. */
export type LeaderboardScope = { sweepId: string } | { datasetId: string };

/** A final metric: its split and name, e.g. `{ split: 'test', name: 'auc' }`. */
export interface MetricRef {
  split: FinalSplit;
  name: string;
}

export interface LeaderboardQuery extends IntervalOptions {
  scope: LeaderboardScope;
  metric: MetricRef;
  /** Default `maximize`. */
  goal?: MetricGoal;
  /** Configurations per page; default 50, at most 500. */
  limit?: number;
  /** Configurations to skip; default 0. */
  offset?: number;
  /** Leave out configurations with fewer completed runs; default 1. */
  minRuns?: number;
}

export interface LeaderboardPage {
  entries: LeaderboardEntry[];
  /** Configurations in the scope with at least minRuns runs of the metric (all pages). */
  totalConfigurations: number;
}

interface GroupRow {
  group_key: string;
  trial_ids: string[];
  seeds: number[];
  vals: number[];
  total: bigint;
  architecture: string;
  initialisation: string;
  transfer_mode: string;
  config: JsonObject;
}

/**
 * SQL fragments that restrict trials `t` and a final-metrics alias to the scope, whose id is parameter
 * $1. Column names come from here, never from input. A dataset scope also filters the metric rows by
 * their own dataset_id, so Postgres reads one index range of final_metrics instead of the whole metric.
 */
export function scopeSql(scope: LeaderboardScope): { trials: string; metric: (alias: string) => string } {
  return 'sweepId' in scope
    ? { trials: `t.sweep_id = $1::uuid`, metric: () => '' }
    : { trials: `t.dataset_id = $1::uuid`, metric: (alias) => ` AND ${alias}.dataset_id = $1::uuid` };
}

/** The scope's id, bound as $1. */
export function scopeId(scope: LeaderboardScope): string {
  return 'sweepId' in scope ? scope.sweepId : scope.datasetId;
}

/** Completed runs in scope with their value of the metric ($1 scope id, $2 split, $3 name). */
function scopedRuns(scope: LeaderboardScope): string {
  const sql = scopeSql(scope);
  return `SELECT t.group_key, t.id, t.seed, f.value
    FROM trials t
    JOIN final_metrics f ON f.trial_id = t.id AND f.split = $2::final_split AND f.name = $3${sql.metric('f')}
    WHERE ${sql.trials} AND t.status = 'completed'`;
}

function requireCount(field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidRecordError('leaderboard', field, value, `an integer in [${min}, ${max}]`);
  }
  return value;
}

/**
 * One page of the leaderboard of `metric` over completed trials in `scope`, configurations ordered by
 * mean (then more runs, then group key), each entry with its runs so every number traces to its trials.
 */
export async function leaderboard(db: DbClient, query: LeaderboardQuery): Promise<LeaderboardPage> {
  const { scope, metric, goal = 'maximize', limit = 50, offset = 0, minRuns = 1, ...interval } = query;
  requireCount('limit', limit, 1, 500);
  requireCount('offset', offset, 0, 2 ** 31 - 1);
  requireCount('minRuns', minRuns, 1, 2 ** 31 - 1);
  const direction = goal === 'maximize' ? 'DESC' : 'ASC';
  // Rank every configuration by mean first; build the runs arrays only for the page's configurations.
  const rows = await db.$queryRawUnsafe<GroupRow[]>(
    `WITH runs AS MATERIALIZED (${scopedRuns(scope)}),
     ranked AS (
       SELECT group_key, avg(value) AS mean, count(*) AS n, count(*) OVER () AS total
       FROM runs GROUP BY group_key HAVING count(*) >= $4
       ORDER BY mean ${direction}, n DESC, group_key
       LIMIT $5 OFFSET $6
     ),
     page AS (
       SELECT r.group_key, r.mean, r.n, r.total,
         array_agg(x.id::text ORDER BY x.seed, x.id) AS trial_ids,
         array_agg(x.seed ORDER BY x.seed, x.id) AS seeds,
         array_agg(x.value ORDER BY x.seed, x.id) AS vals
       FROM ranked r JOIN runs x ON x.group_key = r.group_key
       GROUP BY r.group_key, r.mean, r.n, r.total
     )
     SELECT p.group_key, p.trial_ids, p.seeds, p.vals, p.total,
       t.architecture, t.initialisation, t.transfer_mode, t.config
     FROM page p JOIN trials t ON t.id = p.trial_ids[1]::uuid
     ORDER BY p.mean ${direction}, p.n DESC, p.group_key`,
    scopeId(scope),
    metric.split,
    metric.name,
    minRuns,
    limit,
    offset,
  );
  const entries = rankConfigurations(
    rows.map((row) => ({
      groupKey: row.group_key,
      label: {
        architecture: row.architecture,
        initialisation: row.initialisation,
        transferMode: row.transfer_mode,
        config: configWithoutSeed(row.config),
      },
      runs: row.trial_ids.map((trialId, i) => ({ trialId, seed: row.seeds[i]!, value: row.vals[i]! })),
    })),
    { ...interval, goal, firstRank: offset + 1 },
  );
  const totalConfigurations =
    rows.length > 0 ? Number(rows[0]!.total) : offset === 0 ? 0 : await countConfigurations(db, query);
  return { entries, totalConfigurations };
}

/** The configuration count when the page is past the end (the window count came back with no rows). */
async function countConfigurations(db: DbClient, query: LeaderboardQuery): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ total: bigint }[]>(
    `SELECT count(*) AS total FROM (
       SELECT 1 FROM (${scopedRuns(query.scope)}) runs GROUP BY group_key HAVING count(*) >= $4
     ) g`,
    scopeId(query.scope),
    query.metric.split,
    query.metric.name,
    query.minRuns ?? 1,
  );
  return Number(row!.total);
}

/** One dataset of a scope and one positive-class choice its completed trials were evaluated with. */
export interface ScopeEvaluation {
  dataset: { id: string; name: string; task: string; manifestUri: string; contentHash: string };
  /** The trials' evaluation.positiveClass; undefined where they name none (MedMNIST's convention). */
  positiveClass: string | number | undefined;
}

interface ScopeEvaluationRow {
  dataset_id: string;
  name: string;
  task: string;
  manifest_uri: string;
  content_hash: string;
  positive_class: string | number | null;
}

/**
 * The distinct (dataset, evaluation.positiveClass) pairs of the completed trials in `scope`: what a
 * table of the scope must say about which class its binary metrics count as positive. Usually one.
 */
export async function scopeEvaluations(db: DbClient, scope: LeaderboardScope): Promise<ScopeEvaluation[]> {
  const rows = await db.$queryRawUnsafe<ScopeEvaluationRow[]>(
    `SELECT DISTINCT d.id::text AS dataset_id, d.name, d.task, d.manifest_uri, d.content_hash,
       t.config->'evaluation'->'positiveClass' AS positive_class
     FROM trials t JOIN datasets d ON d.id = t.dataset_id
     WHERE ${scopeSql(scope).trials} AND t.status = 'completed'
     ORDER BY dataset_id, positive_class`,
    scopeId(scope),
  );
  return rows.map((row) => ({
    dataset: {
      id: row.dataset_id,
      name: row.name,
      task: row.task,
      manifestUri: row.manifest_uri,
      contentHash: row.content_hash,
    },
    positiveClass: row.positive_class ?? undefined,
  }));
}
