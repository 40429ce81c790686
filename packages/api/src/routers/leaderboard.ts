// Leaderboards: configurations ranked with bootstrap CIs (one sweep, or every sweep on a dataset), the
// scratch-vs-transfer table per architecture, the paired significance test of two entries, and exports
// of those tables and the paper's Table 1 as CSV, Markdown or LaTeX.
import { EXPORT_FORMATS, exportLeaderboard, exportPaperTable, exportScratchVsTransfer } from '@medsweep/core';
import {
  compareEntries,
  comparisonTargets,
  leaderboard,
  paperTable,
  scratchVsTransferTable,
} from '@medsweep/db';
import type { Db, LeaderboardScope, MetricRef } from '@medsweep/db';
import { z } from 'zod';
import { leaderboardScope, metricRef, uuid } from '../inputs.js';
import { projectOfDataset, projectOfSweep, projectOfTrialPair } from '../locate.js';
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

const armsTable = (db: Db, input: TableInput) =>
  scratchVsTransferTable(db, {
    scope: input.scope,
    metric: input.metric,
    selectBy: selectionOf(input),
    goal: input.goal,
  });

const exportInput = tableInput.extend({
  /** `paper` has the paper's columns (test ACC, precision, recall, F1, AUC) whatever `metric` is. */
  table: z.enum(['leaderboard', 'scratchVsTransfer', 'paper']),
  format: z.enum(EXPORT_FORMATS as readonly ['csv', 'markdown', 'latex']),
});

type ExportInput = z.output<typeof exportInput>;

/** The body of an export, by table. */
async function exportBody(db: Db, input: ExportInput): Promise<string> {
  switch (input.table) {
    case 'leaderboard': {
      const { scope, metric, goal } = input;
      const page = await leaderboard(db, { scope, metric, goal, limit: 500 });
      return exportLeaderboard(page.entries, input.format);
    }
    case 'scratchVsTransfer':
      return exportScratchVsTransfer(await armsTable(db, input), input.format);
    case 'paper':
      return exportPaperTable(
        await paperTable(db, { scope: input.scope, selectBy: selectionOf(input) }),
        input.format,
      );
    default: {
      const unknown: never = input.table;
      return unknown;
    }
  }
}

export const leaderboardRouter = router({
  /** One page of ranked configurations, each with mean, std, 95% bootstrap CI and its runs. */
  get: projectProcedure(boardInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    leaderboard(ctx.db, input),
  ),

  /** Per architecture and pretrained arm: scratch vs transfer, the gain and its interval. */
  scratchVsTransfer: projectProcedure(tableInput, 'project.read', scopeOf).query(({ ctx, input }) =>
    armsTable(ctx.db, input),
  ),

  /** Paired test of two runs on the same test images (McNemar, DeLong, paired bootstrap). */
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
   * A table as a file: the leaderboard (all configurations), the scratch-vs-transfer table, or the paper's
   * Table 1 (one row per model and initialisation, each arm's configuration chosen on `selectBy`).
   */
  export: projectProcedure(exportInput, 'project.read', scopeOf).query(async ({ ctx, input }) => {
    const body = await exportBody(ctx.db, input);
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
