// AUC as MedMNIST's getAUC defines it: binary-class from the positive-class score; multi-class and
// ordinal-regression the unweighted mean of one-vs-rest AUCs over all classes; multi-label the mean of
// per-label AUCs. Unlike MedMNIST's evaluator, an unknown task or an absent class is an error, not a
// silent fall-through or a bare sklearn ValueError.
import type { BinaryProblem } from './binary-problems.js';
import { binaryProblems, requireBothClasses } from './binary-problems.js';
import type { Labelled, Labels, Scores } from './input.js';
import { readLabelled } from './input.js';
import { rankAuc, sortedAscending } from './ranking.js';
import type { TaskType } from './task.js';

/** AUC of one binary problem; throws SingleClassError when it lacks positives or negatives. */
export function problemAuc(operation: string, problem: BinaryProblem): number {
  requireBothClasses(operation, problem);
  return rankAuc(sortedAscending(problem.positiveScores), sortedAscending(problem.negativeScores));
}

/** The task's AUC of validated predictions (mean over its binary problems). */
export function labelledAuc(operation: string, data: Labelled): number {
  const problems = binaryProblems(data);
  let sum = 0;
  for (const problem of problems) sum += problemAuc(operation, problem);
  return sum / problems.length;
}

/**
 * Area under the ROC curve, ties counted one half (sklearn's roc_auc_score). Throws SingleClassError when
 * a binary problem (a class for multi-class, a label for multi-label) has no positives or no negatives.
 */
export function auc(yTrue: Labels, yScore: Scores, task: TaskType): number {
  return labelledAuc('auc', readLabelled('auc', yTrue, yScore, task));
}

/** The AUC of each binary problem of a task, as `auc` averages them (e.g. one per label for multi-label). */
export interface ProblemAuc {
  /** Which binary problem: `positive class 1`, `class 2 vs rest`, `label 4`. */
  problem: string;
  auc: number;
}

/**
 * The AUC of each binary problem in column order (one per class for multi-class, one per label for
 * multi-label: the trial page's per-label table); their mean is `auc`. Throws SingleClassError as `auc`.
 */
export function aucPerProblem(yTrue: Labels, yScore: Scores, task: TaskType): ProblemAuc[] {
  const data = readLabelled('aucPerProblem', yTrue, yScore, task);
  return binaryProblems(data).map((problem) => ({
    problem: problem.name,
    auc: problemAuc('aucPerProblem', problem),
  }));
}
