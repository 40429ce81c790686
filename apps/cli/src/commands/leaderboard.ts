import type { Command } from 'commander';
import { EXPORT_FORMATS, exportLeaderboard, exportScratchVsTransfer } from '@medsweep/core';
import type { ExportFormat } from '@medsweep/core';
import { leaderboard, scratchVsTransferTable } from '@medsweep/db';
import type { MetricRef } from '@medsweep/db';
import type { CliContext } from '../context.js';
import { withContext } from '../context.js';

/** `test:auc` → { split: 'test', name: 'auc' }. */
function metricRef(text: string): MetricRef {
  const [split, name] = text.split(':');
  if ((split !== 'test' && split !== 'val') || !name) {
    throw new RangeError(`--metric must be <test|val>:<name>, e.g. test:auc or test:acc; got ${text}`);
  }
  return { split, name };
}

function exportFormat(text: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(text)) {
    throw new RangeError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got ${text}`);
  }
  return text as ExportFormat;
}

/**
 * The sweep's leaderboard (configurations ranked by mean over seeds, with 95% bootstrap intervals) and its
 * scratch-vs-transfer table (each arm's configuration chosen on validation, reported on test).
 */
export async function renderSweepTables(
  ctx: CliContext,
  sweepId: string,
  metric: MetricRef,
  format: ExportFormat,
): Promise<string> {
  const scope = { sweepId };
  const board = await leaderboard(ctx.db, { scope, metric, limit: 500 });
  const table = await scratchVsTransferTable(ctx.db, {
    scope,
    metric,
    selectBy: { split: 'val', name: metric.name },
  });
  const title = (t: string) =>
    format === 'markdown' ? `\n### ${t}\n\n` : format === 'latex' ? `\n% ${t}\n` : `\n# ${t}\n`;
  return [
    title(`Leaderboard: ${metric.split} ${metric.name}, mean over seeds with 95% bootstrap CI`),
    exportLeaderboard(board.entries, format),
    title(
      `Scratch vs transfer per architecture (${metric.split} ${metric.name}; configuration chosen on val)`,
    ),
    exportScratchVsTransfer(table, format),
  ].join('');
}

export function registerLeaderboardCommand(program: Command): void {
  program
    .command('leaderboard <sweepId>')
    .alias('report')
    .description('ranked configurations with confidence intervals and the scratch-vs-transfer table')
    .option('--metric <split:name>', 'final metric to rank by', 'test:auc')
    .option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`, 'markdown')
    .option('--json', 'raw rows as JSON')
    .action(async (sweepId: string, opts: { metric: string; format: string; json?: boolean }) => {
      const metric = metricRef(opts.metric);
      await withContext(async (ctx) => {
        if (opts.json) {
          const scope = { sweepId };
          const board = await leaderboard(ctx.db, { scope, metric, limit: 500 });
          const table = await scratchVsTransferTable(ctx.db, {
            scope,
            metric,
            selectBy: { split: 'val', name: metric.name },
          });
          console.log(JSON.stringify({ leaderboard: board, scratchVsTransfer: table }));
        } else console.log(await renderSweepTables(ctx, sweepId, metric, exportFormat(opts.format)));
      });
    });
}
