// Leaderboards: configurations ranked with Student-t intervals over seeds and two-level intervals for new
// patients (one sweep, or every sweep on a dataset), the scratch-vs-transfer table per architecture, the
// paired significance tests of the leader against the next entries with Holm-adjusted p-values, and
// exports of those tables and the paper's Table 1 as CSV, Markdown or LaTeX, each naming the positive class.
import {
  EXPORT_FORMATS,
  exportLeaderboard,
  exportPaperTable,
  exportPairwise,
  exportScratchVsTransfer,
} from '@medsweep/core';
import { compareEntries, comparisonTargets } from '@medsweep/db';
import type { Db, LeaderboardScope, MetricRef } from '@medsweep/db';
import { z } from 'zod';
import { leaderboardScope, metricRef, uuid } from '../inputs.js';
import { projectOfDataset, projectOfSweep, projectOfTrialPair } from '../locate.js';
import type { TableDeps } from '../services/leaderboard.js';
import {
  armsTable,
  PAIRWISE_ENTRIES,
  pairwiseTable,
  paperTableWithFacts,
  rankedTable,
} from '../services/leaderboard.js';
import { loadPredictions, testPredictions } from '../services/predictions.js';
import type { Located } from '../trpc.js';
import { projectProcedure, router } from '../trpc.js';

const goal = z.enum(['maximize', 'minimize']).default('maximize');

const scopeOf = async (db: Db, input: { scope: LeaderboardScope }): Promise<Located> =>
  'sweepId' in input.scope ? projectOfSweep(db, input.scope) : projectOfDataset(db, input.scope);

const boardInput = z.strictObject({
  scope: leaderboardScope,
  metric: metricRef.default({ split: 'test', name: 'auc' }),
  goal,
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  minRuns: z.number().int().min(1).max(1000).default(1),
});

const pairwiseInput = z.strictObject({
  scope: leaderboardScope,
  metric: metricRef.default({ split: 'test', name: 'auc' }),
  goal,
  /** Entries compared, the leader included: the family is the leader against each of the others. */
  entries: z.number().int().min(2).max(20).default(PAIRWISE_ENTRIES),
});

const tableInput = z.strictObject({
  scope: leaderboardScope,
  /** The reported metric. */
  metric: metricRef.default({ split: 'test', name: 'auc' }),
  /** The metric each arm's configuration is chosen by; default the validation split of `metric`. */
  selectBy: metricRef.optional(),
  goal,
});

type TableInput = z.output<typeof tableInput>;

const selectionOf = (input: TableInput): MetricRef =>
  input.selectBy ?? { split: 'val', name: input.metric.name };

const arms = (deps: TableDeps, input: TableInput) =>
  armsTable(deps, {
    scope: input.scope,
    metric: input.metric,
    selectBy: selectionOf(input),
    goal: input.goal,
  });

const exportInput = tableInput.extend({
  /**
   * `paper` has the paper's columns (test ACC, precision, recall, F1, AUC) whatever `metric` is;
   * `pairwise` is the leader against the next PAIRWISE_ENTRIES - 1 entries, with Holm-adjusted p-values.
   */
  table: z.enum(['leaderboard', 'scratchVsTransfer', 'paper', 'pairwise']),
  format: z.enum(EXPORT_FORMATS as readonly ['csv', 'markdown', 'latex']),
});

type ExportInput = z.output<typeof exportInput>;

/** The body of an export, by table. */
async function exportBody(deps: TableDeps, input: ExportInput): Promise<string> {
  const { scope, metric, goal, format } = input;
  switch (input.table) {
    case 'leaderboard': {
      const table = await rankedTable(deps, { scope, metric, goal, limit: 500 });
      return exportLeaderboard(table.entries, format, factsOf(table));
    }
    case 'scratchVsTransfer': {
      const table = await arms(deps, input);
      return exportScratchVsTransfer(table.rows, format, factsOf(table));
    }
    case 'paper': {
      const table = await paperTableWithFacts(deps, { scope, selectBy: selectionOf(input) });
      return exportPaperTable(table, format, factsOf(table));
    }
    case 'pairwise': {
      const table = await pairwiseTable(deps, { scope, metric, goal });
      return table === null
        ? 'Pairwise tests need at least two ranked configurations.\n'
        : exportPairwise(table, format, factsOf(table));
    }
    default: {
      const unknown: never = input.table;
      return unknown;
    }
  }
}

/** The export options that say which class is positive. */
const factsOf = (table: { positiveClass: string | null }) =>
  table.positiveClass === null ? {} : { positiveClass: table.positiveClass };

export const leaderboardRouter = router({
  /**
   * One page of ranked configurations, each with mean, std, its 95% t interval over seeds (method, n and
   * df; "n too small" below 3 seeds), its two-level interval for new patients where its runs' test
   * predictions allow one, and its runs; with the positive class of the binary metrics.
   */
  get: projectProcedure(boardInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    rankedTable(ctx, input),
  ),

  /** Per architecture and pretrained arm: scratch vs transfer, the gain and both its intervals. */
  scratchVsTransfer: projectProcedure(tableInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    arms(ctx, input),
  ),

  /**
   * The leader's best run against the best run of each next entry on the same test images (McNemar,
   * DeLong, paired bootstrap), each test's p-values Holm-adjusted over that family; null with fewer
   * than two entries.
   */
  pairwise: projectProcedure(pairwiseInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    pairwiseTable(ctx, input),
  ),

  /**
   * The paper's Table 1 as data: one row per model and initialisation, test ACC, precision, recall, F1
   * and AUC as mean ± std over seeds, each arm's configuration chosen on `selectBy`.
   */
  paper: projectProcedure(tableInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    paperTableWithFacts(ctx, { scope: input.scope, selectBy: selectionOf(input) }),
  ),

  /** Paired test of two runs on the same test images (McNemar, DeLong, paired bootstrap): a family of one. */
  compare: projectProcedure(
    z.strictObject({ trialIdA: uuid, trialIdB: uuid }),
    'project.read',
    projectOfTrialPair,
  ).query(async ({ ctx, input }) => {
    const { a, b } = await comparisonTargets(ctx.db, input.trialIdA, input.trialIdB);
    const [predictionsA, predictionsB] = await Promise.all([
      loadPredictions(ctx.objectStore, a.predictions),
      loadPredictions(ctx.objectStore, b.predictions),
    ]);
    return compareEntries(ctx.db, {
      ...input,
      predictionsA: testPredictions(predictionsA),
      predictionsB: testPredictions(predictionsB),
    });
  }),

  /**
   * A table as a file: the leaderboard (all configurations), the scratch-vs-transfer table, the pairwise
   * tests, or the paper's Table 1 (one row per model and initialisation, each arm's configuration chosen
   * on `selectBy`).
   */
  export: projectProcedure(exportInput, 'project.read', scopeOf).query(async ({ ctx, input }) => {
    const body = await exportBody(ctx, input);
    const extension = { csv: 'csv', markdown: 'md', latex: 'tex' }[input.format];
    const contentType = { csv: 'text/csv', markdown: 'text/markdown', latex: 'application/x-latex' }[
      input.format
    ];
    const selection = selectionOf(input);
    const name =
      input.table === 'paper'
        ? `paper-selected-on-${selection.split}-${selection.name}`
        : `${input.table}-${input.metric.split}-${input.metric.name}`;
    return { filename: `${name}.${extension}`, contentType: `${contentType}; charset=utf-8`, body };
  }),
});
