// The paper's Table 1 from recorded runs: the scratch-vs-transfer table once reporting the selection metric
// (which fixes each arm's configuration and runs) and once per reported metric, every one selecting on the
// same metric; core's buildPaperTable assembles the rows.
import { buildPaperTable, type MetricGoal, type PaperTable } from '@medsweep/core';
import type { DbClient } from './db-client.js';
import type { LeaderboardScope, MetricRef } from './leaderboard.js';
import { scratchVsTransferTable } from './scratch-vs-transfer.js';

/** The paper's columns: test ACC, precision, recall, F1 (binary: of the positive class) and AUC. */
export const PAPER_TABLE_METRICS: readonly MetricRef[] = ['acc', 'precision', 'recall', 'f1', 'auc'].map(
  (name) => ({ split: 'test', name }),
);

export interface PaperTableQuery {
  scope: LeaderboardScope;
  /** The reported metrics, one column each; default PAPER_TABLE_METRICS (multi-class tasks record
   * precision, recall and f1 only as the `_macro` averages). */
  metrics?: readonly MetricRef[];
  /** The metric each arm's configuration is chosen by; default val AUC. */
  selectBy?: MetricRef;
  /** Default `maximize`. */
  selectionGoal?: MetricGoal;
}

/** One row per (architecture, initialisation) in scope; cells whose runs lack the metric are null. */
export async function paperTable(db: DbClient, query: PaperTableQuery): Promise<PaperTable> {
  const {
    scope,
    metrics = PAPER_TABLE_METRICS,
    selectBy = { split: 'val', name: 'auc' },
    selectionGoal = 'maximize',
  } = query;
  const tableOf = async (metric: MetricRef) => ({
    metric,
    rows: await scratchVsTransferTable(db, { scope, metric, selectBy, selectionGoal }),
  });
  // One query at a time: `db` may be an interactive transaction, which runs one query at a time anyway.
  const selection = await tableOf(selectBy);
  const columns = [];
  for (const metric of metrics) columns.push(await tableOf(metric));
  return buildPaperTable(selection, columns);
}
