// The scratch-vs-transfer table (the paper's Table 1) from recorded runs: SQL groups completed trials by
// architecture, initialisation and configuration with the reported and the selection metric of each run;
// core's scratchVsTransfer selects each arm and computes the gains with their intervals.
import {
  scratchVsTransfer,
  type ArmSelection,
  type BootstrapOptions,
  type MetricGoal,
  type ScratchVsTransferRow,
} from '@medsweep/core';
import type { DbClient } from './db-client.js';
import type { LeaderboardScope, MetricRef } from './leaderboard.js';
import { scopeId, scopeSql } from './leaderboard.js';

export interface ScratchVsTransferQuery extends BootstrapOptions {
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

/** One row per architecture and pretrained arm; runs lacking either metric are left out. */
export async function scratchVsTransferTable(
  db: DbClient,
  query: ScratchVsTransferQuery,
): Promise<ScratchVsTransferRow[]> {
  const { scope, metric, selectBy = metric, goal = 'maximize', ...options } = query;
  const sql = scopeSql(scope);
  const rows = await db.$queryRawUnsafe<ArmRow[]>(
    `SELECT t.architecture, t.initialisation, t.group_key,
       array_agg(t.id::text ORDER BY t.seed, t.id) AS trial_ids,
       array_agg(t.seed ORDER BY t.seed, t.id) AS seeds,
       array_agg(f.value ORDER BY t.seed, t.id) AS vals,
       array_agg(s.value ORDER BY t.seed, t.id) AS selection_vals
     FROM trials t
     JOIN final_metrics f ON f.trial_id = t.id AND f.split = $2::final_split AND f.name = $3${sql.metric('f')}
     JOIN final_metrics s ON s.trial_id = t.id AND s.split = $4::final_split AND s.name = $5${sql.metric('s')}
     WHERE ${sql.trials} AND t.status = 'completed'
     GROUP BY t.architecture, t.initialisation, t.group_key`,
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
