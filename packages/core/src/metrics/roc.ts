// ROC curves with sklearn's roc_curve conventions: one point per distinct score (highest first), a
// sample is predicted positive when its score >= the threshold, and a leading point (0, 0) at threshold
// +Infinity. dropIntermediate defaults to false (every distinct threshold, which operating-point
// selection needs); true drops collinear points with sklearn's rule and does not change the area.
import type { BinaryProblem } from './binary-problems.js';
import { binaryProblems, requireBothClasses } from './binary-problems.js';
import type { Labels, Scores } from './input.js';
import { readLabelled } from './input.js';
import { sortedAscending } from './ranking.js';
import type { TaskType } from './task.js';

export interface RocCurve {
  /** The binary problem it belongs to: `positive class 1`, `class 2 vs rest`, `label 4`. */
  readonly problem: string;
  readonly fpr: number[];
  readonly tpr: number[];
  /** Decreasing; thresholds[0] is +Infinity (nothing predicted positive). */
  readonly thresholds: number[];
}

export interface RocOptions {
  /** Drop points on straight segments, as sklearn's drop_intermediate=True. Default false. */
  readonly dropIntermediate?: boolean;
}

interface CumulativeCounts {
  truePositives: number[];
  falsePositives: number[];
  thresholds: number[];
}

/** Cumulative true/false positives at each distinct score, highest score first. */
function cumulativeCounts(problem: BinaryProblem): CumulativeCounts {
  const positives = sortedAscending(problem.positiveScores);
  const negatives = sortedAscending(problem.negativeScores);
  const counts: CumulativeCounts = { truePositives: [], falsePositives: [], thresholds: [] };
  let i = positives.length - 1;
  let j = negatives.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const value = Math.max(
      i >= 0 ? (positives[i] as number) : -Infinity,
      j >= 0 ? (negatives[j] as number) : -Infinity,
    );
    for (; i >= 0 && positives[i] === value; i--) tp++;
    for (; j >= 0 && negatives[j] === value; j--) fp++;
    counts.truePositives.push(tp);
    counts.falsePositives.push(fp);
    counts.thresholds.push(value);
  }
  return counts;
}

/** sklearn's drop_intermediate: keep the ends and every point where either count's slope changes. */
function dropCollinear(counts: CumulativeCounts): CumulativeCounts {
  const { truePositives: tps, falsePositives: fps, thresholds } = counts;
  const last = tps.length - 1;
  if (last < 2) return counts;
  const kept: CumulativeCounts = { truePositives: [], falsePositives: [], thresholds: [] };
  for (let k = 0; k <= last; k++) {
    const bends =
      k === 0 ||
      k === last ||
      (fps[k + 1] as number) - 2 * (fps[k] as number) + (fps[k - 1] as number) !== 0 ||
      (tps[k + 1] as number) - 2 * (tps[k] as number) + (tps[k - 1] as number) !== 0;
    if (bends) {
      kept.truePositives.push(tps[k] as number);
      kept.falsePositives.push(fps[k] as number);
      kept.thresholds.push(thresholds[k] as number);
    }
  }
  return kept;
}

/** ROC curve of one binary problem; throws SingleClassError when it lacks positives or negatives. */
export function problemRoc(operation: string, problem: BinaryProblem, options: RocOptions = {}): RocCurve {
  requireBothClasses(operation, problem);
  const all = cumulativeCounts(problem);
  const counts = options.dropIntermediate ? dropCollinear(all) : all;
  const numPositives = problem.positiveScores.length;
  const numNegatives = problem.negativeScores.length;
  return {
    problem: problem.name,
    fpr: [0, ...counts.falsePositives.map((fp) => fp / numNegatives)],
    tpr: [0, ...counts.truePositives.map((tp) => tp / numPositives)],
    thresholds: [Infinity, ...counts.thresholds],
  };
}

/**
 * ROC curves of a task's binary problems: one for binary-class (positive class), one per class
 * (one-vs-rest) for multi-class and ordinal-regression, one per label for multi-label.
 */
export function rocCurves(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: RocOptions = {},
): RocCurve[] {
  const data = readLabelled('rocCurves', yTrue, yScore, task);
  return binaryProblems(data).map((problem) => problemRoc('rocCurves', problem, options));
}
