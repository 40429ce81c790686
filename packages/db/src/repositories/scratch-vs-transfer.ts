// The scratch-vs-transfer table (the paper's Table 1) from recorded runs: SQL groups completed trials by
// architecture, initialisation and configuration with the reported and the selection metric of each run
// and, for best-config selection, keeps only each arm's best configuration (a sweep has thousands of
// configurations and the table needs one per arm); core's scratchVsTransfer computes the gains with their
// intervals.
import {
  scratchVsTransfer,
  type ArmSelection,
  type IntervalOptions,
  type MetricGoal,
  type ScratchVsTransferRow,
} from '@medsweep/core';
import type { DbClient } from './db-client.js';
import type { LeaderboardScope, MetricRef } from './leaderboard.js';
import { scopeId, scopeSql } from './leaderboard.js';

export interface ScratchVsTransferQuery extends IntervalOptions {
  scope: LeaderboardScope;
  /** The metric reported, e.g. test AUC. */
  metric: MetricRef;
  /** The metric each arm's best configuration is chosen by; default `metric`. Use a validation metric
   * so the reported numbers are not selected on themselves. */
  selectBy?: MetricRef;
  /** Default `maximize`. */
  goal?: MetricGoal;
  /** Default `goal`. */
  selectionGoal?: MetricGoal;
  /** Default `best-config`. */
  selection?: ArmSelection;
  /** Default `scratch`. */
  scratchInitialisation?: string;
}

interface ArmRow {
  architecture: string;
  initialisation: string;
  group_key: string;
  trial_ids: string[];
  seeds: number[];
  vals: number[];
  selection_vals: number[];
}

/**
 * Runs in scope with both metrics ($1 scope id, $2/$3 reported split and name, $4/$5 selection split and
 * name), and for best-config selection the rank of each configuration within its arm: core's selectArm
 * order (mean selection value by the selection goal, summed in seed order as core sums it, then more runs,
 * then group key), so the SQL keeps the very configuration core would pick from all of them.
 */
function armRunsSql(scope: LeaderboardScope, bestOnly: boolean, selectionGoal: MetricGoal): string {
  const sql = scopeSql(scope);
  const order = selectionGoal === 'maximize' ? 'DESC' : 'ASC';
  return `WITH runs AS MATERIALIZED (
       SELECT t.architecture, t.initialisation, t.group_key, t.id, t.seed, f.value, s.value AS selection_value
       FROM trials t
       JOIN final_metrics f ON f.trial_id = t.id AND f.split = $2::final_split AND f.name = $3${sql.metric('f')}
       JOIN final_metrics s ON s.trial_id = t.id AND s.split = $4::final_split AND s.name = $5${sql.metric('s')}
       WHERE ${sql.trials} AND t.status = 'completed'
     )${
       bestOnly
         ? `,
     best AS (
       SELECT architecture, initialisation, group_key FROM (
         SELECT architecture, initialisation, group_key,
           row_number() OVER (PARTITION BY architecture, initialisation
             ORDER BY avg(selection_value ORDER BY seed, id) ${order}, count(*) DESC, group_key COLLATE "C") AS place
         FROM runs GROUP BY architecture, initialisation, group_key
       ) ranked WHERE place = 1
     )`
         : ''
     }
     SELECT r.architecture, r.initialisation, r.group_key,
       array_agg(r.id::text ORDER BY r.seed, r.id) AS trial_ids,
       array_agg(r.seed ORDER BY r.seed, r.id) AS seeds,
       array_agg(r.value ORDER BY r.seed, r.id) AS vals,
       array_agg(r.selection_value ORDER BY r.seed, r.id) AS selection_vals
     FROM runs r${bestOnly ? ' JOIN best b USING (architecture, initialisation, group_key)' : ''}
     GROUP BY r.architecture, r.initialisation, r.group_key`;
}

/** One row per architecture and pretrained arm; runs lacking either metric are left out. */
export async function scratchVsTransferTable(
  db: DbClient,
  query: ScratchVsTransferQuery,
): Promise<ScratchVsTransferRow[]> {
  const { scope, metric, selectBy = metric, goal = 'maximize', ...options } = query;
  const bestOnly = (options.selection ?? 'best-config') === 'best-config';
  const rows = await db.$queryRawUnsafe<ArmRow[]>(
    armRunsSql(scope, bestOnly, options.selectionGoal ?? goal),
    scopeId(scope),
    metric.split,
    metric.name,
    selectBy.split,
    selectBy.name,
  );
  return scratchVsTransfer(
    rows.map((row) => ({
      architecture: row.architecture,
      initialisation: row.initialisation,
      groupKey: row.group_key,
      runs: row.trial_ids.map((trialId, i) => ({
        trialId,
        seed: row.seeds[i]!,
        value: row.vals[i]!,
        selectionValue: row.selection_vals[i]!,
      })),
    })),
    { ...options, goal },
  );
}
