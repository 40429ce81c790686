import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { ArmsTable, PaperTableWithFacts, pairwiseTable, RankedTable, RouterInputs } from '@medsweep/api';
import {
  EXPORT_FORMATS,
  exportLeaderboard,
  exportPaperTable,
  exportPairwise,
  exportScratchVsTransfer,
} from '@medsweep/core';
import type { ExportFormat, ExportOptions } from '@medsweep/core';
import type { MetricRef } from '@medsweep/db';
import type { ApiClient } from '../client/api.js';
import { isApiError, withApi } from '../client/api.js';

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

/** The pairwise tests (null below two entries), or why there are none (the runs' predictions are missing). */
type PairwiseOrUnavailable = Awaited<ReturnType<typeof pairwiseTable>> | { unavailable: string };

/**
 * Where a sweep's tables come from: the API with the caller's role (the user commands), or the services
 * in-process (the demo, which runs with the stack's credentials).
 */
export interface TableSource {
  ranked(sweepId: string, metric: MetricRef): Promise<RankedTable>;
  arms(sweepId: string, metric: MetricRef, selectBy: MetricRef): Promise<ArmsTable>;
  pairwise(sweepId: string, metric: MetricRef): Promise<PairwiseOrUnavailable>;
  paper(sweepId: string, selectBy: MetricRef): Promise<PaperTableWithFacts>;
}

/** The tables through the API. */
export function apiTables(api: ApiClient): TableSource {
  return {
    ranked: (sweepId, metric) => api.leaderboard.get.query({ scope: { sweepId }, metric, limit: 500 }),
    arms: (sweepId, metric, selectBy) =>
      api.leaderboard.scratchVsTransfer.query({ scope: { sweepId }, metric, selectBy }),
    pairwise: async (sweepId, metric) => {
      try {
        return await api.leaderboard.pairwise.query({ scope: { sweepId }, metric });
      } catch (e) {
        if (!isApiError(e, 'MissingPredictionsError')) throw e;
        return { unavailable: e.message };
      }
    },
    paper: (sweepId, selectBy) => api.leaderboard.paper.query({ scope: { sweepId }, selectBy }),
  };
}

/** Every table of a sweep's report, as data (what --json prints and the text is rendered from). */
async function sweepTables(source: TableSource, sweepId: string, metric: MetricRef) {
  const [board, arms, pairwise] = await Promise.all([
    source.ranked(sweepId, metric),
    source.arms(sweepId, metric, { split: 'val', name: metric.name }),
    source.pairwise(sweepId, metric),
  ]);
  return { leaderboard: board, scratchVsTransfer: arms, pairwise };
}

/**
 * The sweep's leaderboard (configurations ranked by mean over seeds, with 95% t intervals over seeds and
 * two-level intervals for new patients; only the parameters that vary), its scratch-vs-transfer table
 * (each arm's configuration chosen on validation, reported on test) and the leader's pairwise tests with
 * Holm-adjusted p-values.
 */
export async function renderSweepTables(
  source: TableSource,
  sweepId: string,
  metric: MetricRef,
  format: ExportFormat,
): Promise<string> {
  const tables = await sweepTables(source, sweepId, metric);
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
  source: TableSource,
  sweepId: string,
  selectBy: MetricRef,
  format: ExportFormat,
): Promise<string> {
  const table = await source.paper(sweepId, selectBy);
  const caption =
    'Test metrics per model and initialisation, mean ± std over n seeds ' +
    `(configuration chosen on ${selectBy.split} ${selectBy.name})`;
  if (format === 'latex') {
    return exportPaperTable(table, format, { ...factsOf(table), caption, label: 'tab:paper' });
  }
  const body = exportPaperTable(table, format, factsOf(table));
  return format === 'markdown' ? `### ${caption}\n\n${body}` : body;
}

interface TableOptions {
  metric: string;
  table: string;
  format: string;
  json?: boolean;
}

/** Prints the leaderboard tables or the paper's Table 1 (`leaderboard`, and `report` without a checklist). */
async function printTables(sweepId: string, opts: TableOptions): Promise<void> {
  const metric = metricRef(opts.metric);
  const table = reportTable(opts.table);
  const format = exportFormat(opts.format);
  const selectBy: MetricRef = { split: 'val', name: metric.name };
  await withApi(async (api) => {
    const source = apiTables(api);
    if (table === 'paper') {
      console.log(
        opts.json
          ? JSON.stringify(await source.paper(sweepId, selectBy))
          : await renderPaperTable(source, sweepId, selectBy, format),
      );
    } else if (opts.json) {
      console.log(JSON.stringify(await sweepTables(source, sweepId, metric)));
    } else console.log(await renderSweepTables(source, sweepId, metric, format));
  });
}

type ReportQuery = RouterInputs['reports']['get'];
/** `report.md` -> `report.model-card.md`: where the model card goes beside the report. */
export function modelCardPath(reportPath: string): string {
  const extension = extname(reportPath);
  return `${reportPath.slice(0, reportPath.length - extension.length)}.model-card${extension}`;
}

/**
 * The auditor's report of a sweep (TRIPOD+AI or CLAIM) and the model card of the configuration chosen on
 * validation: written to `out` and the model card beside it, or both printed.
 */
async function writeChecklistReport(
  sweepId: string,
  opts: { checklist: string; format: string; out?: string; json?: boolean },
): Promise<void> {
  // The API checks both against its lists (400 naming the field and the accepted values).
  const checklist = opts.checklist as ReportQuery['checklist'];
  const format = opts.format as ReportQuery['format'];
  await withApi(async (api) => {
    const { report, modelCard, assembled } = await api.reports.get.query({ sweepId, checklist, format });
    if (opts.json) console.log(JSON.stringify(assembled));
    else if (opts.out === undefined)
      console.log(`${report.body}
${modelCard.body}`);
    if (opts.out !== undefined) {
      await writeFile(opts.out, report.body);
      await writeFile(modelCardPath(opts.out), modelCard.body);
      console.error(`wrote ${opts.out} and ${modelCardPath(opts.out)}`);
    }
  });
}

/** The table options `leaderboard` and `report` share. */
function tableOptions(command: Command): Command {
  return command
    .option(
      '--metric <split:name>',
      'final metric to rank by; configurations are chosen on its val split (both tables)',
      'test:auc',
    )
    .option('--table <table>', `what to print: ${REPORT_TABLES.join(', ')}`, 'leaderboard')
    .option('--json', 'every table as JSON: full configs, every interval with its method, n and df');
}

export function registerLeaderboardCommand(program: Command): void {
  tableOptions(
    program
      .command('leaderboard <sweepId>')
      .description(
        "ranked configurations with t intervals over seeds and two-level intervals for new patients, the scratch-vs-transfer table and the leader's pairwise tests (Holm), or the paper's Table 1; only the parameters that vary (the full configs in --json)",
      ),
  )
    .option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`, 'markdown')
    .action((sweepId: string, opts: TableOptions) => printTables(sweepId, opts));

  tableOptions(
    program
      .command('report <sweepId>')
      .description(
        "with --checklist, the auditor's report (TRIPOD+AI or CLAIM) and model card of the configuration chosen on validation, every item the platform knows filled from its records; without, the leaderboard tables (as `leaderboard`)",
      ),
  )
    .option('--checklist <checklist>', 'write the checklist report: tripod-ai or claim')
    .option(
      '--format <format>',
      `tables: ${EXPORT_FORMATS.join(', ')}; with --checklist: markdown, html`,
      'markdown',
    )
    .option(
      '--out <file>',
      'with --checklist: write the report here and the model card beside it (<file>.model-card.<ext>)',
    )
    .action((sweepId: string, opts: TableOptions & { checklist?: string; out?: string }) =>
      opts.checklist === undefined
        ? printTables(sweepId, opts)
        : writeChecklistReport(sweepId, { ...opts, checklist: opts.checklist }),
    );
}
