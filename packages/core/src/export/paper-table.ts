// The paper's Table 1 from real runs: one row per model and initialisation (the classical baselines, each
// CNN from scratch, each CNN from each pretrained source), one column per reported metric, each cell the
// mean ± std over seeds. It is assembled from scratch-vs-transfer tables that all select each arm's
// configuration on the same metric (e.g. val AUC): one reporting the selection metric itself, which fixes
// every row's runs, and one per reported metric. A cell is kept only when its runs are exactly the row's:
// when some run lacks the metric, the per-metric table was computed on other runs (and may even have chosen
// another configuration), so the cell is left empty rather than mixing runs within a row.
import { InvalidOptionError } from '../errors.js';
import type { ArmSummary, ScratchVsTransferRow } from '../leaderboard/scratch-vs-transfer.js';
import { CLASSICAL_MODEL_NAMES, CNN_ARCHITECTURE_NAMES, isClassicalModel } from '../sweep/spec.js';

/** A final metric of a split, e.g. `{ split: 'test', name: 'auc' }`. */
export interface PaperMetric {
  split: string;
  name: string;
}

/** A scratch-vs-transfer table reporting `metric`, each arm's configuration chosen on the selection metric. */
export interface PaperMetricTable {
  metric: PaperMetric;
  rows: readonly ScratchVsTransferRow[];
}

export interface PaperCell {
  mean: number;
  /** Null for a single run. */
  std: number | null;
}

export interface PaperTableRow {
  architecture: string;
  initialisation: string;
  /** The selected configuration (best-config), or every configuration pooled (all-configs). */
  groupKeys: string[];
  /** Runs (seeds) every cell of the row averages. */
  n: number;
  /** The row's runs, in seed order. */
  runs: { trialId: string; seed: number }[];
  /** One per table metric, in its order; null where a run of the row lacks the metric. */
  cells: (PaperCell | null)[];
}

export interface PaperTable {
  /** The metric each arm's configuration was chosen by. */
  selectedBy: PaperMetric;
  /** The reported metrics, one column each. */
  metrics: PaperMetric[];
  /** Scratch rows first (classical baselines, then CNNs), then each pretrained source's rows. */
  rows: PaperTableRow[];
}

interface Arm {
  architecture: string;
  scratch: boolean;
  summary: ArmSummary;
}

const armKey = (architecture: string, initialisation: string) => `${architecture}\u0000${initialisation}`;

/** Every arm of a scratch-vs-transfer table once (the scratch arm repeats across pretrained rows). */
function armsOf(rows: readonly ScratchVsTransferRow[]): Map<string, Arm> {
  const arms = new Map<string, Arm>();
  for (const { architecture, scratch, pretrained } of rows) {
    for (const [summary, isScratch] of [
      [scratch, true],
      [pretrained, false],
    ] as const) {
      if (summary)
        arms.set(armKey(architecture, summary.initialisation), { architecture, scratch: isScratch, summary });
    }
  }
  return arms;
}

/** The paper's order: classical baselines, then VGG16, ResNet50, DenseNet121, EfficientNetB0, SqueezeNet. */
const MODEL_ORDER: readonly string[] = [...CLASSICAL_MODEL_NAMES, ...CNN_ARCHITECTURE_NAMES];
const modelRank = (architecture: string) => {
  const rank = MODEL_ORDER.indexOf(architecture);
  return rank === -1 ? MODEL_ORDER.length : rank;
};
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareArms(a: Arm, b: Arm): number {
  return (
    Number(b.scratch) - Number(a.scratch) ||
    Number(isClassicalModel(b.architecture)) - Number(isClassicalModel(a.architecture)) ||
    compareText(a.summary.initialisation, b.summary.initialisation) ||
    modelRank(a.architecture) - modelRank(b.architecture) ||
    compareText(a.architecture, b.architecture)
  );
}

const sameRuns = (a: ArmSummary, b: ArmSummary) =>
  a.runs.length === b.runs.length && a.runs.every((run, i) => run.trialId === b.runs[i]!.trialId);

/**
 * The paper table: rows from `selection` (the table reporting the selection metric), one cell per table of
 * `columns`. Every table must select on the same metric with the same selection rule.
 */
export function buildPaperTable(
  selection: PaperMetricTable,
  columns: readonly PaperMetricTable[],
): PaperTable {
  if (columns.length === 0) {
    throw new InvalidOptionError('buildPaperTable', 'columns', 'empty', 'at least one reported metric');
  }
  const columnArms = columns.map((column) => armsOf(column.rows));
  const rows = [...armsOf(selection.rows).entries()]
    .sort(([, a], [, b]) => compareArms(a, b))
    .map(([key, { architecture, summary }]): PaperTableRow => ({
      architecture,
      initialisation: summary.initialisation,
      groupKeys: summary.groupKeys,
      n: summary.n,
      runs: summary.runs.map(({ trialId, seed }) => ({ trialId, seed })),
      cells: columnArms.map((arms) => {
        const arm = arms.get(key)?.summary;
        return arm && sameRuns(arm, summary) ? { mean: arm.mean, std: arm.std } : null;
      }),
    }));
  return { selectedBy: selection.metric, metrics: columns.map((c) => c.metric), rows };
}
