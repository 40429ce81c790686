import type { Command } from 'commander';
import { EXPORT_FORMATS, exportLeaderboard, exportPaperTable, exportScratchVsTransfer } from '@medsweep/core';
import type { ExportFormat } from '@medsweep/core';
import { leaderboard, paperTable, scratchVsTransferTable } from '@medsweep/db';
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

/** What `report` prints: the leaderboard with the scratch-vs-transfer table, or the paper's Table 1. */
const REPORT_TABLES = ['leaderboard', 'paper'] as const;
type ReportTable = (typeof REPORT_TABLES)[number];

function reportTable(text: string): ReportTable {
  if (!(REPORT_TABLES as readonly string[]).includes(text)) {
    throw new RangeError(`--table must be one of ${REPORT_TABLES.join(', ')}; got ${text}`);
  }
  return text as ReportTable;
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

/**
 * The paper's Table 1: one row per model and initialisation, test ACC, precision, recall, F1 and AUC as
 * mean ± std over seeds, each arm's configuration chosen on `selectBy`. LaTeX comes as a captioned table
 * environment and Markdown under a heading, ready to paste; CSV is the bare file.
 */
async function renderPaperTable(
  ctx: CliContext,
  sweepId: string,
  selectBy: MetricRef,
  format: ExportFormat,
): Promise<string> {
  const table = await paperTable(ctx.db, { scope: { sweepId }, selectBy });
  const caption =
    'Test metrics per model and initialisation, mean ± std over n seeds ' +
    `(configuration chosen on ${selectBy.split} ${selectBy.name})`;
  if (format === 'latex') return exportPaperTable(table, format, { caption, label: 'tab:paper' });
  const body = exportPaperTable(table, format);
  return format === 'markdown' ? `### ${caption}\n\n${body}` : body;
}

export function registerLeaderboardCommand(program: Command): void {
  program
    .command('leaderboard <sweepId>')
    .alias('report')
    .description(
      "ranked configurations with confidence intervals and the scratch-vs-transfer table, or the paper's Table 1",
    )
    .option(
      '--metric <split:name>',
      'final metric to rank by; configurations are chosen on its val split (both tables)',
      'test:auc',
    )
    .option('--table <table>', `what to print: ${REPORT_TABLES.join(', ')}`, 'leaderboard')
    .option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`, 'markdown')
    .option('--json', 'raw rows as JSON')
    .action(
      async (sweepId: string, opts: { metric: string; table: string; format: string; json?: boolean }) => {
        const metric = metricRef(opts.metric);
        const table = reportTable(opts.table);
        const format = exportFormat(opts.format);
        const scope = { sweepId };
        const selectBy: MetricRef = { split: 'val', name: metric.name };
        await withContext(async (ctx) => {
          if (table === 'paper') {
            console.log(
              opts.json
                ? JSON.stringify(await paperTable(ctx.db, { scope, selectBy }))
                : await renderPaperTable(ctx, sweepId, selectBy, format),
            );
          } else if (opts.json) {
            const board = await leaderboard(ctx.db, { scope, metric, limit: 500 });
            const arms = await scratchVsTransferTable(ctx.db, { scope, metric, selectBy });
            console.log(JSON.stringify({ leaderboard: board, scratchVsTransfer: arms }));
          } else console.log(await renderSweepTables(ctx, sweepId, metric, format));
        });
      },
    );
}
