// Model selection on validation: AUC as the MedMNIST protocol selects, or ACC when the sweep compares
// val_acc. Both are computed every epoch; the scorer keeps them for the epoch's learning-curve rows.
import { accuracy, auc } from '@medsweep/core';
import type { TaskType } from '@medsweep/core';
import type { PrimaryMetric } from '@medsweep/core/sweep';
import type { ValidationMetric } from '../training/trainer.js';

/** The trainer's validation metric, remembering every metric of its last validation. */
export interface SelectionScorer extends ValidationMetric {
  /** auc and acc of the last validation, by name (empty before the first). */
  readonly last: Readonly<Record<string, number>>;
}

/** The scorer that selects a trial's epoch for the sweep's primary metric (val_loss selects by AUC). */
export function validationScorer(metric: PrimaryMetric, task: TaskType): SelectionScorer {
  const selected = metric === 'val_acc' ? 'acc' : 'auc';
  let last: Record<string, number> = {};
  return {
    name: selected,
    get last() {
      return last;
    },
    compute(yTrue, yScore) {
      last = { auc: auc(yTrue, yScore, task), acc: accuracy(yTrue, yScore, task) };
      return last[selected] as number;
    },
  };
}
