// Which datasets can validate a trained model externally: the same task and the same classes, label for
// label (a model's output column i means class i of the data it was trained on). Image size and channels
// may differ: the model's input pipeline resizes and converts them as it does its own data.
import { IncompatibleDatasetError } from '../errors.js';

/** What external validation compares of two datasets. */
export interface ClassFacts {
  readonly name: string;
  readonly task: string;
  readonly classNames: readonly string[];
}

/** Why `offered` cannot validate a model trained on `trainedOn`; null when it can. */
export function externalDatasetProblem(trainedOn: ClassFacts, offered: ClassFacts): string | null {
  if (offered.task !== trainedOn.task) return `its task is ${offered.task}, the model's is ${trainedOn.task}`;
  const same =
    offered.classNames.length === trainedOn.classNames.length &&
    offered.classNames.every((name, label) => name === trainedOn.classNames[label]);
  if (!same) {
    return `its classes are [${offered.classNames.join(', ')}], the model's are [${trainedOn.classNames.join(', ')}]`;
  }
  return null;
}

/** Throws IncompatibleDatasetError unless `offered` has the task and classes of `trainedOn`. */
export function requireSameClasses(trainedOn: ClassFacts, offered: ClassFacts): void {
  const problem = externalDatasetProblem(trainedOn, offered);
  if (problem !== null) throw new IncompatibleDatasetError(trainedOn.name, offered.name, problem);
}
