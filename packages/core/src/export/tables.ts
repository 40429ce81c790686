// The leaderboard, the scratch-vs-transfer table and the paper table as CSV (every number at full
// precision, every run traceable by trial id) and as Markdown or LaTeX for reports (rounded, one cell per
// quantity).
import { InvalidOptionError } from '../errors.js';
import type { LeaderboardEntry } from '../leaderboard/rank.js';
import type { ArmSummary, ScratchVsTransferRow } from '../leaderboard/scratch-vs-transfer.js';
import type { JsonObject } from '../lineage/canonical-json.js';
import { canonicalJson } from '../lineage/canonical-json.js';
import type { CsvCell } from './csv.js';
import { toCsv } from './csv.js';
import type { DisplayCell, DisplayColumn, DisplayTable } from './display-table.js';
import { missing, text } from './display-table.js';
import type { LatexOptions } from './latex.js';
import { renderLatex } from './latex.js';
import { renderMarkdown } from './markdown.js';
import type { PaperMetric, PaperTable } from './paper-table.js';

export type ExportFormat = 'csv' | 'markdown' | 'latex';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'markdown', 'latex'];

export interface ExportOptions extends LatexOptions {
  /** Decimals of rounded numbers in Markdown and LaTeX (CSV keeps full precision); default 3. */
  digits?: number;
}

/** `key=value, ...` in key order; strings bare, anything else as canonical JSON. */
export function describeConfig(config: JsonObject): string {
  return Object.keys(config)
    .sort()
    .map((key) => {
      const value = config[key];
      return `${key}=${typeof value === 'string' ? value : canonicalJson(value)}`;
    })
    .join(', ');
}

const percent = (confidence: number | undefined) => `${Math.round((confidence ?? 0.95) * 100)}% CI`;
const col = (header: string, align: DisplayColumn['align'] = 'left'): DisplayColumn => ({ header, align });
const integer = (value: number): DisplayCell => ({ kind: 'integer', value });
const meanStd = (mean: number, std: number | null): DisplayCell => ({ kind: 'mean-std', mean, std });
const trialIds = (runs: readonly { trialId: string }[]) => runs.map((r) => r.trialId).join(' ');

function render(
  format: ExportFormat,
  csv: { header: string[]; rows: CsvCell[][] },
  display: DisplayTable,
  options: ExportOptions,
): string {
  const { digits = 3, ...latex } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new InvalidOptionError('export', 'digits', digits, 'an integer in [0, 15]');
  }
  switch (format) {
    case 'csv':
      return toCsv(csv.header, csv.rows);
    case 'markdown':
      return renderMarkdown(display, digits);
    case 'latex':
      return renderLatex(display, digits, latex);
    default: {
      const unknown: never = format;
      throw new InvalidOptionError('export', 'format', unknown, EXPORT_FORMATS.join(', '));
    }
  }
}

/** The leaderboard in `format`: one row per configuration, in rank order. */
export function exportLeaderboard(
  entries: readonly LeaderboardEntry[],
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  const csv = {
    header: [
      'rank',
      'group_key',
      'architecture',
      'initialisation',
      'transfer_mode',
      'config',
      'n',
      'mean',
      'std',
      'ci_lower',
      'ci_upper',
      'ci_confidence',
      'best_trial_id',
      'best_seed',
      'best_value',
      'trial_ids',
    ],
    rows: entries.map((e): CsvCell[] => [
      e.rank,
      e.groupKey,
      e.label.architecture,
      e.label.initialisation,
      e.label.transferMode,
      canonicalJson(e.label.config),
      e.n,
      e.mean,
      e.std,
      e.ci?.lower ?? null,
      e.ci?.upper ?? null,
      e.ci?.confidence ?? null,
      e.best.trialId,
      e.best.seed,
      e.best.value,
      trialIds(e.runs),
    ]),
  };
  const display: DisplayTable = {
    columns: [
      col('Rank', 'right'),
      col('Architecture'),
      col('Initialisation'),
      col('Transfer'),
      col('Config'),
      col('n', 'right'),
      col('Mean ± std', 'right'),
      col(percent(entries.find((e) => e.ci)?.ci?.confidence), 'right'),
      col('Best run'),
    ],
    rows: entries.map((e) => [
      integer(e.rank),
      text(e.label.architecture),
      text(e.label.initialisation),
      text(e.label.transferMode),
      text(describeConfig(e.label.config)),
      integer(e.n),
      meanStd(e.mean, e.std),
      e.ci ? { kind: 'interval', lower: e.ci.lower, upper: e.ci.upper } : missing,
      text(e.best.trialId),
    ]),
  };
  return render(format, csv, display, options);
}

const armCsv = (arm: ArmSummary | null): CsvCell[] => [
  arm?.n ?? null,
  arm?.mean ?? null,
  arm?.std ?? null,
  arm ? arm.groupKeys.join(' ') : null,
  arm ? trialIds(arm.runs) : null,
];

const armDisplay = (arm: ArmSummary | null): DisplayCell[] =>
  arm ? [integer(arm.n), meanStd(arm.mean, arm.std)] : [missing, missing];

/** The scratch-vs-transfer table in `format`: one row per architecture and pretrained arm. */
export function exportScratchVsTransfer(
  rows: readonly ScratchVsTransferRow[],
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  const csv = {
    header: [
      'architecture',
      'pretrained_initialisation',
      'pretrained_n',
      'pretrained_mean',
      'pretrained_std',
      'pretrained_group_keys',
      'pretrained_trial_ids',
      'scratch_n',
      'scratch_mean',
      'scratch_std',
      'scratch_group_keys',
      'scratch_trial_ids',
      'gain',
      'gain_lower',
      'gain_upper',
      'gain_confidence',
    ],
    rows: rows.map((r): CsvCell[] => [
      r.architecture,
      r.pretrained?.initialisation ?? null,
      ...armCsv(r.pretrained),
      ...armCsv(r.scratch),
      r.gain?.estimate ?? null,
      r.gain?.lower ?? null,
      r.gain?.upper ?? null,
      r.gain?.confidence ?? null,
    ]),
  };
  const display: DisplayTable = {
    columns: [
      col('Architecture'),
      col('Pretrained'),
      col('n', 'right'),
      col('Pretrained mean ± std', 'right'),
      col('n', 'right'),
      col('Scratch mean ± std', 'right'),
      col('Gain', 'right'),
      col(`Gain ${percent(rows.find((r) => r.gain)?.gain?.confidence)}`, 'right'),
    ],
    rows: rows.map((r) => [
      text(r.architecture),
      r.pretrained ? text(r.pretrained.initialisation) : missing,
      ...armDisplay(r.pretrained),
      ...armDisplay(r.scratch),
      r.gain ? { kind: 'number', value: r.gain.estimate, signed: true } : missing,
      r.gain ? { kind: 'interval', lower: r.gain.lower, upper: r.gain.upper } : missing,
    ]),
  };
  return render(format, csv, display, options);
}

const METRIC_HEADERS: Record<string, string> = {
  acc: 'ACC',
  auc: 'AUC',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
};
/** `ACC` for test acc (the reported split goes unsaid), `val ACC` for another split. */
const metricHeader = (m: PaperMetric) =>
  `${m.split === 'test' ? '' : `${m.split} `}${METRIC_HEADERS[m.name] ?? m.name}`;
const metricColumn = (m: PaperMetric) => `${m.split}_${m.name}`;

/** The paper table in `format`: one row per model and initialisation, one mean ± std column per metric. */
export function exportPaperTable(
  table: PaperTable,
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  const csv = {
    header: [
      'architecture',
      'initialisation',
      'n',
      ...table.metrics.flatMap((m) => [`${metricColumn(m)}_mean`, `${metricColumn(m)}_std`]),
      'selected_by',
      'group_keys',
      'seeds',
      'trial_ids',
    ],
    rows: table.rows.map((r): CsvCell[] => [
      r.architecture,
      r.initialisation,
      r.n,
      ...r.cells.flatMap((c) => [c?.mean ?? null, c?.std ?? null]),
      metricColumn(table.selectedBy),
      r.groupKeys.join(' '),
      r.runs.map((run) => run.seed).join(' '),
      trialIds(r.runs),
    ]),
  };
  const display: DisplayTable = {
    columns: [
      col('Model'),
      col('Initialisation'),
      col('n', 'right'),
      ...table.metrics.map((m) => col(metricHeader(m), 'right')),
    ],
    rows: table.rows.map((r) => [
      text(r.architecture),
      text(r.initialisation),
      integer(r.n),
      ...r.cells.map((c) => (c ? meanStd(c.mean, c.std) : missing)),
    ]),
  };
  return render(format, csv, display, options);
}
