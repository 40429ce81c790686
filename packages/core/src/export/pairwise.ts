// The pairwise significance table: the leader's run against each other entry's run on the same test
// images, every raw p-value beside its Holm-adjusted one (the family is the comparisons in the table,
// adjusted separately per test), as CSV, Markdown or LaTeX.
import type { ComparisonFamily } from '../leaderboard/compare-runs.js';
import type { CsvCell } from './csv.js';
import type { DisplayCell, DisplayColumn, DisplayTable } from './display-table.js';
import { missing, text } from './display-table.js';
import type { ExportFormat, ExportOptions } from './render.js';
import { positiveClassNote, render } from './render.js';

/** One run of a comparison, as the table names it. */
export interface PairwiseRun {
  /** Leaderboard rank of the run's configuration. */
  rank: number;
  trialId: string;
  /** The configuration for people, e.g. `vgg16 · scratch · lr=0.001`. */
  label: string;
}

/** Which runs a comparison of the family compares: A (the leader) minus B. */
export interface PairwiseMember {
  a: PairwiseRun;
  b: PairwiseRun;
}

export interface PairwiseTable extends ComparisonFamily<PairwiseMember> {
  /** What the family is, for people: `the leader against each of the next 4 configurations`. */
  description: string;
}

const col = (header: string, align: DisplayColumn['align'] = 'left'): DisplayColumn => ({ header, align });
const p = (value: number | null | undefined): DisplayCell =>
  value === null || value === undefined ? missing : { kind: 'p-value', value };
const number = (value: number): DisplayCell => ({ kind: 'number', value, signed: true });
const run = (r: PairwiseRun) => `#${r.rank} ${r.label}`;

/** The family's note: what was compared and how the p-values were adjusted. */
export function familyNote(table: PairwiseTable): string {
  return (
    `Family: ${table.description} (${table.size} comparison${table.size === 1 ? '' : 's'}). ` +
    'Holm-adjusted p-values control the family-wise error rate over these comparisons, separately for ' +
    "McNemar's test (accuracy), DeLong's test (AUC) and the paired bootstrap (AUC); differences are A - B."
  );
}

/** The pairwise table in `format`: one row per comparison, raw and Holm-adjusted p-values side by side. */
export function exportPairwise(
  table: PairwiseTable,
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  const csv = {
    header: [
      'rank_a',
      'trial_id_a',
      'label_a',
      'rank_b',
      'trial_id_b',
      'label_b',
      'test_images',
      'accuracy_a',
      'accuracy_b',
      'accuracy_difference',
      'mcnemar_method',
      'mcnemar_p',
      'mcnemar_p_holm',
      'auc_a',
      'auc_b',
      'auc_difference',
      'delong_p',
      'delong_p_holm',
      'bootstrap_lower',
      'bootstrap_upper',
      'bootstrap_confidence',
      'bootstrap_resamples',
      'bootstrap_p',
      'bootstrap_p_holm',
      'family_size',
      'family_adjustment',
      'positive_class',
    ],
    rows: table.members.map(({ member: { a, b }, comparison: c, holm }): CsvCell[] => [
      a.rank,
      a.trialId,
      a.label,
      b.rank,
      b.trialId,
      b.label,
      c.numImages,
      c.accuracy.a,
      c.accuracy.b,
      c.accuracy.difference,
      c.accuracy.mcnemar.method,
      c.accuracy.mcnemar.pValue,
      holm.mcnemar,
      c.auc.a,
      c.auc.b,
      c.auc.difference,
      c.auc.delong?.pValue ?? null,
      holm.delong,
      c.auc.pairedBootstrap.lower,
      c.auc.pairedBootstrap.upper,
      c.auc.pairedBootstrap.confidence,
      c.auc.pairedBootstrap.resamples,
      c.auc.pairedBootstrap.pValue,
      holm.pairedBootstrap,
      table.size,
      table.method,
      options.positiveClass ?? null,
    ]),
  };
  const level = table.members[0]?.comparison.auc.pairedBootstrap.confidence ?? 0.95;
  const display: DisplayTable = {
    columns: [
      col('A'),
      col('B'),
      col('Δ accuracy', 'right'),
      col('McNemar p', 'right'),
      col('McNemar p (Holm)', 'right'),
      col('Δ AUC', 'right'),
      col(`Δ AUC ${Math.round(level * 100)}% CI (paired bootstrap)`, 'right'),
      col('DeLong p', 'right'),
      col('DeLong p (Holm)', 'right'),
      col('Bootstrap p', 'right'),
      col('Bootstrap p (Holm)', 'right'),
    ],
    rows: table.members.map(({ member: { a, b }, comparison: c, holm }) => [
      text(run(a)),
      text(run(b)),
      number(c.accuracy.difference),
      p(c.accuracy.mcnemar.pValue),
      p(holm.mcnemar),
      number(c.auc.difference),
      { kind: 'interval', lower: c.auc.pairedBootstrap.lower, upper: c.auc.pairedBootstrap.upper },
      p(c.auc.delong?.pValue),
      p(holm.delong),
      p(c.auc.pairedBootstrap.pValue),
      p(holm.pairedBootstrap),
    ]),
    notes: [familyNote(table), ...positiveClassNote(options)],
  };
  return render(format, csv, display, options);
}
