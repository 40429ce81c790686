// The task types of MedMNIST's INFO table, spelled exactly as MedMNIST spells them, so a dataset's
// `task` field can be passed straight through.
import { UnknownTaskError } from '../errors.js';

export const TASK_TYPES = [
  'binary-class',
  'multi-class',
  'multi-label, binary-class',
  'ordinal-regression',
] as const;

/**
 * - `binary-class`: one label per sample, 0 or 1; scores have 1 column (the positive-class score) or 2
 *   (the last column is the positive class, as MedMNIST's evaluator takes it).
 * - `multi-class`, `ordinal-regression`: one class index per sample in [0, k); scores have k >= 2 columns.
 *   Ordinal regression is evaluated like multi-class (one-vs-rest AUC, argmax accuracy), as in MedMNIST.
 * - `multi-label, binary-class`: L independent 0/1 labels per sample; scores have L columns.
 */
export type TaskType = (typeof TASK_TYPES)[number];

/** The `default` branch of an exhaustive switch on a TaskType: unreachable for typed callers. */
export function unknownTask(task: never): never {
  throw new UnknownTaskError(task, TASK_TYPES);
}
