import type { Command } from 'commander';
import { armsTable, pairwiseTable, paperTableWithFacts, rankedTable } from '@medsweep/api';
import type { TableDeps } from '@medsweep/api';
import {
  EXPORT_FORMATS,
  exportLeaderboard,
  exportPaperTable,
  exportPairwise,
  exportScratchVsTransfer,
} from '@medsweep/core';
import type { ExportFormat, ExportOptions } from '@medsweep/core';
import { MissingPredictionsError } from '@medsweep/db';
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

/** The export options that say which class is positive. */
const factsOf = (table: { positiveClass: string | null }): ExportOptions =>
  table.positiveClass === null ? {} : { positiveClass: table.positiveClass };

/** Every table of a sweep's report, as data (what --json prints and the text is rendered from). */
async function sweepTables(deps: TableDeps, sweepId: string, metric: MetricRef) {
  const scope = { sweepId };
  const board = await rankedTable(deps, { scope, metric, limit: 500 });
  const arms = await armsTable(deps, { scope, metric, selectBy: { split: 'val', name: metric.name } });
  let pairwise: Awaited<ReturnType<typeof pairwiseTable>> | { unavailable: string };
  try {
    pairwise = await pairwiseTable(deps, { scope, metric });
  } catch (e) {
    if (!(e instanceof MissingPredictionsError)) throw e;
    pairwise = { unavailable: e.message };
  }
  return { leaderboard: board, scratchVsTransfer: arms, pairwise };
}

/**
 * The sweep's leaderboard (configurations ranked by mean over seeds, with 95% t intervals over seeds and
 * two-level intervals for new patients; only the parameters that vary), its scratch-vs-transfer table
 * (each arm's configuration chosen on validation, reported on test) and the leader's pairwise tests with
 * Holm-adjusted p-values.
 */
export async function renderSweepTables(
  ctx: CliContext,
  sweepId: string,
  metric: MetricRef,
  format: ExportFormat,
): Promise<string> {
  const tables = await sweepTables(ctx, sweepId, metric);
  const title = (t: string) =>
    format === 'markdown' ? `\n### ${t}\n\n` : format === 'latex' ? `\n% ${t}\n` : `\n# ${t}\n`;
  const { pairwise } = tables;
  return [
    title(`Leaderboard: ${metric.split} ${metric.name}, mean over seeds with 95% intervals`),
    exportLeaderboard(tables.leaderboard.entries, format, factsOf(tables.leaderboard)),
    title(
      `Scratch vs transfer per architecture (${metric.split} ${metric.name}; configuration chosen on val)`,
    ),
    exportScratchVsTransfer(tables.scratchVsTransfer.rows, format, factsOf(tables.scratchVsTransfer)),
    title(`Pairwise tests against the leader (${metric.split} ${metric.name}), Holm-adjusted`),
    pairwise === null
      ? 'Pairwise tests need at least two ranked configurations.\n'
      : 'unavailable' in pairwise
        ? `Not available: ${pairwise.unavailable}\n`
        : exportPairwise(pairwise, format, factsOf(pairwise)),
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
  const table = await paperTableWithFacts(ctx, { scope: { sweepId }, selectBy });
  const caption =
    'Test metrics per model and initialisation, mean ± std over n seeds ' +
    `(configuration chosen on ${selectBy.split} ${selectBy.name})`;
  if (format === 'latex') {
    return exportPaperTable(table, format, { ...factsOf(table), caption, label: 'tab:paper' });
  }
  const body = exportPaperTable(table, format, factsOf(table));
  return format === 'markdown' ? `### ${caption}\n\n${body}` : body;
}

export function registerLeaderboardCommand(program: Command): void {
  program
    .command('leaderboard <sweepId>')
    .alias('report')
    .description(
      "ranked configurations with t intervals over seeds and two-level intervals for new patients, the scratch-vs-transfer table and the leader's pairwise tests (Holm), or the paper's Table 1; only the parameters that vary (the full configs in --json)",
    )
    .option(
      '--metric <split:name>',
      'final metric to rank by; configurations are chosen on its val split (both tables)',
      'test:auc',
    )
    .option('--table <table>', `what to print: ${REPORT_TABLES.join(', ')}`, 'leaderboard')
    .option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`, 'markdown')
    .option('--json', 'every table as JSON: full configs, every interval with its method, n and df')
    .action(
      async (sweepId: string, opts: { metric: string; table: string; format: string; json?: boolean }) => {
        const metric = metricRef(opts.metric);
        const table = reportTable(opts.table);
        const format = exportFormat(opts.format);
        const selectBy: MetricRef = { split: 'val', name: metric.name };
        await withContext(async (ctx) => {
          if (table === 'paper') {
            console.log(
              opts.json
                ? JSON.stringify(await paperTableWithFacts(ctx, { scope: { sweepId }, selectBy }))
                : await renderPaperTable(ctx, sweepId, selectBy, format),
            );
          } else if (opts.json) {
            console.log(JSON.stringify(await sweepTables(ctx, sweepId, metric)));
          } else console.log(await renderSweepTables(ctx, sweepId, metric, format));
        });
      },
    );
}
