// Which class of a binary task is the positive finding: the class precision, recall (sensitivity),
// specificity, F1 and the operating point are reported for. MedMNIST scores label 1 whatever it names,
// which on BreastMNIST is `normal, benign`: its "sensitivity" is then the share of benign images called
// benign, not the share of cancers found. A spec can instead name the class (by name or index) or ask
// for `clinical`, the finding the dataset's metadata names. AUC and ACC do not depend on the choice.
import { PositiveClassError } from '../errors.js';
import type { TaskType } from '../metrics/task.js';
import type { MedmnistInfo } from './medmnist-info.js';
import { MEDMNIST_DATASETS } from './medmnist-info.js';

/** `evaluation.positiveClass` of a spec: a class name, a class index, or `clinical` (the keyword wins). */
export type PositiveClassChoice = string | number;

/** The keyword for the dataset's named clinical finding. */
export const CLINICAL_FINDING = 'clinical';

/** The MedMNIST convention, and the default: label 1 is positive. */
export const CONVENTIONAL_POSITIVE_CLASS = 1;

/**
 * Why a class is the positive one: the MedMNIST convention (no choice in the spec), the dataset's named
 * clinical finding (`clinical`), or the spec naming it.
 */
export type PositiveClassBasis = 'medmnist-convention' | 'clinical-finding' | 'spec';

export interface PositiveClass {
  /** The label value: 0 or 1. */
  readonly index: number;
  readonly name: string;
  readonly basis: PositiveClassBasis;
  /** Whether it is the dataset's clinical finding; null when the dataset names none. */
  readonly clinicalFinding: boolean | null;
}

/** What the choice is resolved against: a dataset's task and class names (index = label). */
export interface PositiveClassDataset {
  readonly task: TaskType;
  readonly classNames: readonly string[];
  /** For messages, e.g. `dataset breastmnist`. */
  readonly source: string;
}

/**
 * The label of the dataset's clinical finding, when its task and class names are those of a MedMNIST
 * binary dataset that names one (BreastMNIST: 0, PneumoniaMNIST: 1); undefined otherwise. Matched on the
 * class names rather than the file name, so an import under any name is recognised.
 */
export function clinicalFindingOf(
  dataset: Pick<PositiveClassDataset, 'task' | 'classNames'>,
): number | undefined {
  const known = Object.values(MEDMNIST_DATASETS as Record<string, MedmnistInfo>).find(
    (info) =>
      info.positiveFinding !== undefined &&
      info.task === dataset.task &&
      info.classNames.length === dataset.classNames.length &&
      info.classNames.every((name, i) => name === dataset.classNames[i]),
  );
  return known?.positiveFinding;
}

function accepted(dataset: PositiveClassDataset, finding: number | undefined): string {
  const names = dataset.classNames.map((name) => JSON.stringify(name)).join(', ');
  const indices = dataset.classNames.map((_, i) => i).join(', ');
  return `${names}, ${indices}${finding === undefined ? '' : ` or '${CLINICAL_FINDING}'`}`;
}

function indexOf(
  choice: PositiveClassChoice,
  dataset: PositiveClassDataset,
  finding: number | undefined,
): number {
  if (choice === CLINICAL_FINDING) {
    if (finding === undefined) {
      throw new PositiveClassError(
        dataset.source,
        choice,
        'asks for the clinical finding, but the dataset names none (only known MedMNIST binary datasets do)',
        `a class name or index: ${accepted(dataset, finding)}`,
      );
    }
    return finding;
  }
  if (typeof choice === 'number') {
    if (!Number.isInteger(choice) || choice < 0 || choice >= dataset.classNames.length) {
      throw new PositiveClassError(dataset.source, choice, 'is no class index', accepted(dataset, finding));
    }
    return choice;
  }
  const index = dataset.classNames.indexOf(choice);
  if (index === -1) {
    throw new PositiveClassError(
      dataset.source,
      choice,
      'is no class of the dataset',
      accepted(dataset, finding),
    );
  }
  return index;
}

/**
 * The positive class of a binary-class dataset under a spec's choice (undefined: the MedMNIST
 * convention, label 1). Other tasks have none (null), and a choice for them is refused: their precision,
 * recall and F1 are macro averages over every class. Throws PositiveClassError for a choice that does
 * not fit the dataset.
 */
export function resolvePositiveClass(
  choice: PositiveClassChoice | undefined,
  dataset: PositiveClassDataset,
): PositiveClass | null {
  if (dataset.task !== 'binary-class') {
    if (choice === undefined) return null;
    throw new PositiveClassError(
      dataset.source,
      choice,
      `does not apply to a '${dataset.task}' task, whose precision, recall and F1 are macro averages`,
      'no evaluation.positiveClass (binary-class datasets only)',
    );
  }
  const finding = clinicalFindingOf(dataset);
  const index = choice === undefined ? CONVENTIONAL_POSITIVE_CLASS : indexOf(choice, dataset, finding);
  const basis: PositiveClassBasis =
    choice === undefined ? 'medmnist-convention' : choice === CLINICAL_FINDING ? 'clinical-finding' : 'spec';
  return {
    index,
    name: dataset.classNames[index] as string,
    basis,
    clinicalFinding: finding === undefined ? null : finding === index,
  };
}

const BASIS_TEXT: Record<PositiveClassBasis, string> = {
  'medmnist-convention': 'MedMNIST convention',
  'clinical-finding': 'clinical finding',
  spec: 'named in the spec',
};

/**
 * For tables and reports: `malignant (label 0, clinical finding)`, `normal, benign (label 1, MedMNIST
 * convention)`, `pneumonia (label 1, MedMNIST convention, the clinical finding)`.
 */
export function describePositiveClass(positive: PositiveClass): string {
  const coincides = positive.basis !== 'clinical-finding' && positive.clinicalFinding === true;
  return (
    `${positive.name} (label ${positive.index}, ${BASIS_TEXT[positive.basis]}` +
    `${coincides ? ', the clinical finding' : ''})`
  );
}
