// The leaderboard, the scratch-vs-transfer table and the paper table as CSV (every number at full
// precision, every interval with its method, n and df, every run traceable by trial id) and as Markdown
// or LaTeX for reports (rounded, one cell per quantity, only the parameters that vary between rows).
import type { LeaderboardEntry } from '../leaderboard/rank.js';
import type { ArmSummary, ScratchVsTransferRow } from '../leaderboard/scratch-vs-transfer.js';
import { canonicalJson } from '../lineage/canonical-json.js';
import { MINIMUM_SEEDS } from '../stats/intervals.js';
import type { CsvCell } from './csv.js';
import type { DisplayCell, DisplayColumn, DisplayTable } from './display-table.js';
import { missing, text } from './display-table.js';
import {
  anyRefused,
  intervalCell,
  intervalHeader,
  seedIntervalColumns,
  seedIntervalCsv,
  twoLevelColumns,
  twoLevelCsv,
} from './interval-cells.js';
import type { PaperMetric, PaperTable } from './paper-table.js';
import { varyingParameters } from './parameters.js';
import type { ExportFormat, ExportOptions } from './render.js';
import { positiveClassNote, render } from './render.js';

const col = (header: string, align: DisplayColumn['align'] = 'left'): DisplayColumn => ({ header, align });
const integer = (value: number): DisplayCell => ({ kind: 'integer', value });
const meanStd = (mean: number, std: number | null): DisplayCell => ({ kind: 'mean-std', mean, std });
const trialIds = (runs: readonly { trialId: string }[]) => runs.map((r) => r.trialId).join(' ');

const TOO_FEW_SEEDS = `n too small: an interval needs at least ${MINIMUM_SEEDS} seeds.`;
const NEW_PATIENTS_NOTE =
  'The CI over seeds (t) is for the mean over seeds on these test images; the CI for new patients ' +
  '(two-level) also resamples the test images, i.e. what another sample of patients would show.';

/** The leaderboard in `format`: one row per configuration, in rank order. */
export function exportLeaderboard(
  entries: readonly LeaderboardEntry[],
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  const positiveClass = options.positiveClass ?? null;
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
      ...seedIntervalColumns('seeds_ci'),
      ...twoLevelColumns('new_patients_ci'),
      'positive_class',
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
      ...seedIntervalCsv(e.overSeeds),
      ...twoLevelCsv(e.newPatients),
      positiveClass,
      e.best.trialId,
      e.best.seed,
      e.best.value,
      trialIds(e.runs),
    ]),
  };
  const parameters = varyingParameters(entries.map((e) => e.label.config));
  const seeds = entries.map((e) => e.overSeeds);
  const patients = entries.map((e) => e.newPatients);
  const display: DisplayTable = {
    columns: [
      col('Rank', 'right'),
      col('Architecture'),
      col('Initialisation'),
      col('Transfer'),
      col('Parameters that vary'),
      col('n', 'right'),
      col('Mean ± std', 'right'),
      col(intervalHeader('over seeds (t)', seeds), 'right'),
      col(intervalHeader('for new patients (two-level)', patients), 'right'),
      col('Best run'),
    ],
    rows: entries.map((e, i) => [
      integer(e.rank),
      text(e.label.architecture),
      text(e.label.initialisation),
      text(e.label.transferMode),
      parameters[i] ? text(parameters[i]) : missing,
      integer(e.n),
      meanStd(e.mean, e.std),
      intervalCell(e.overSeeds),
      intervalCell(e.newPatients),
      text(e.best.trialId),
    ]),
    notes: [
      NEW_PATIENTS_NOTE,
      ...(anyRefused([...seeds, ...patients]) ? [TOO_FEW_SEEDS] : []),
      ...positiveClassNote(options),
    ],
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

const GAIN_NOTE =
  'Gain: pretrained minus scratch (positive: pretrained better); its intervals pair the arms by seed ' +
  'where both ran the same seeds (paired), and compare them as two samples otherwise (Welch).';

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
      ...seedIntervalColumns('gain_seeds_ci'),
      ...twoLevelColumns('gain_new_patients_ci'),
      'positive_class',
    ],
    rows: rows.map((r): CsvCell[] => [
      r.architecture,
      r.pretrained?.initialisation ?? null,
      ...armCsv(r.pretrained),
      ...armCsv(r.scratch),
      r.gain?.estimate ?? null,
      ...seedIntervalCsv(r.gain),
      ...twoLevelCsv(r.newPatients),
      options.positiveClass ?? null,
    ]),
  };
  const seeds = rows.map((r) => r.gain);
  const patients = rows.map((r) => r.newPatients);
  const display: DisplayTable = {
    columns: [
      col('Architecture'),
      col('Pretrained'),
      col('n', 'right'),
      col('Pretrained mean ± std', 'right'),
      col('n', 'right'),
      col('Scratch mean ± std', 'right'),
      col('Gain', 'right'),
      col(intervalHeader('over seeds (t)', seeds, 'Gain '), 'right'),
      col(intervalHeader('for new patients (two-level)', patients, 'Gain '), 'right'),
    ],
    rows: rows.map((r) => [
      text(r.architecture),
      r.pretrained ? text(r.pretrained.initialisation) : missing,
      ...armDisplay(r.pretrained),
      ...armDisplay(r.scratch),
      r.gain ? { kind: 'number', value: r.gain.estimate, signed: true } : missing,
      intervalCell(r.gain),
      intervalCell(r.newPatients),
    ]),
    notes: [
      GAIN_NOTE,
      ...(anyRefused([...seeds, ...patients]) ? [TOO_FEW_SEEDS] : []),
      ...positiveClassNote(options),
    ],
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
      'positive_class',
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
      options.positiveClass ?? null,
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
    notes: positiveClassNote(options),
  };
  return render(format, csv, display, options);
}
