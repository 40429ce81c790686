// The results file of one spec's run (docs/results/<spec>.json) and its Markdown table.
import type { SpecTrialResult } from './spec-trial.js';

/** One trial as the results file records it. */
export interface TrialRecord extends SpecTrialResult {
  /** Wall seconds from building the model to the last metric. */
  wallSeconds: number;
}

/** Mean and sample standard deviation over the seeds of one (architecture, arm). */
export interface GroupSummary {
  architecture: string;
  arm: string;
  seeds: number[];
  test: Record<SummaryMetric, { mean: number; sd: number }>;
  wallSeconds: { mean: number; total: number };
}

/** Test metrics summarised over seeds: the benchmark pair, then the validation-chosen operating point. */
export const SUMMARY_METRICS = ['auc', 'acc', 'op_sensitivity', 'op_specificity', 'f1'] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export interface SpecRunReport {
  /** The spec file, relative to the repository root. */
  spec: string;
  name: string;
  dataset: { name: string; id: string; counts: Record<string, number> };
  /** describeBackend() of the backend that trained, and its versions. */
  backend: { description: string; package: string; tfjs: string; tensorflow?: string; node: string };
  machine: { cpus: number; cpuModel: string; loadAverageAtStart: number[] };
  startedAt: string;
  wallSeconds: number;
  trials: TrialRecord[];
  summary: GroupSummary[];
}

export function summarize(trials: readonly TrialRecord[]): GroupSummary[] {
  const groups = new Map<string, TrialRecord[]>();
  for (const t of trials) {
    const key = `${t.plan.architecture}\u0000${t.plan.arm}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as TrialRecord;
    const wall = group.map((t) => t.wallSeconds);
    return {
      architecture: first.plan.architecture,
      arm: first.plan.arm,
      seeds: group.map((t) => t.plan.seed),
      test: Object.fromEntries(
        SUMMARY_METRICS.map((name) => [name, meanSd(group.map((t) => t.metrics.test[name] ?? Number.NaN))]),
      ) as GroupSummary['test'],
      wallSeconds: { mean: sum(wall) / wall.length, total: sum(wall) },
    };
  });
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = sum(values) / values.length;
  const variance =
    values.length > 1 ? sum(values.map((v) => (v - mean) ** 2)) / (values.length - 1) : Number.NaN;
  return { mean, sd: Math.sqrt(variance) };
}

const fixed = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);

/**
 * Per trial: test AUC and ACC at 0.5 (the MedMNIST protocol), the test sensitivity/specificity at the
 * operating point chosen on validation, precision/recall/F1 at 0.5, the best epoch and wall time; then a
 * mean ± sd row per (architecture, arm) that ran more than one seed.
 */
export function markdownTable(report: SpecRunReport): string {
  const header = [
    'architecture',
    'arm',
    'seed',
    'best epoch',
    'test AUC',
    'test ACC@0.5',
    'op threshold (val)',
    'test sens@op',
    'test spec@op',
    'precision',
    'recall',
    'F1',
    'wall (min)',
  ];
  const rows = report.trials.map((t) => {
    const m = t.metrics.test;
    return [
      t.plan.architecture,
      t.plan.arm,
      String(t.plan.seed),
      `${t.bestEpoch + 1}/${t.epochsCompleted}`,
      fixed(m['auc']),
      fixed(m['acc']),
      fixed(t.metrics.val['op_threshold']),
      fixed(m['op_sensitivity']),
      fixed(m['op_specificity']),
      fixed(m['precision']),
      fixed(m['recall']),
      fixed(m['f1']),
      (t.wallSeconds / 60).toFixed(1),
    ];
  });
  for (const g of report.summary.filter((s) => s.seeds.length > 1)) {
    const cell = (name: SummaryMetric) => `${fixed(g.test[name].mean)} ± ${fixed(g.test[name].sd)}`;
    rows.push([
      `**${g.architecture}**`,
      `**${g.arm}**`,
      `mean of ${g.seeds.length}`,
      '',
      cell('auc'),
      cell('acc'),
      '',
      cell('op_sensitivity'),
      cell('op_specificity'),
      '',
      '',
      cell('f1'),
      (g.wallSeconds.mean / 60).toFixed(1),
    ]);
  }
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    `**${report.name}** (${report.spec}; ${report.dataset.name} ${report.dataset.id.slice(0, 12)}; ${report.backend.description})`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
  ].join('\n');
}
