// Which task a dataset's labels describe, and with which class names: from the caller's overrides, else
// from known metadata (the MedMNIST table), else inferred from the labels themselves: one integer column
// is binary-class with two values and multi-class with more; several 0/1 columns are multi-label.
import { ClassNamesMismatchError, LabelShapeMismatchError, UnknownTaskError } from '../errors.js';
import type { TaskType } from '../metrics/task.js';
import { TASK_TYPES } from '../metrics/task.js';

/** One split's labels as read from the source: rows x columns values, row-major. */
export interface LabelMatrix {
  split: string;
  rows: number;
  columns: number;
  values: ArrayLike<number>;
}

export interface LabelTaskArgs {
  /** The file or folder, named in errors. */
  source: string;
  labels: readonly LabelMatrix[];
  /** The caller's task (unchecked text, e.g. a --task flag); wins over `known`. */
  task?: string;
  /** The caller's class names; win over `known`. */
  classNames?: readonly string[];
  /** What is known about this dataset (e.g. from medmnistInfoFor). */
  known?: { task: TaskType; classNames: readonly string[] };
  /** Most classes (labels, for multi-label) the caller can store. */
  maxClasses: number;
}

export interface LabelTask {
  task: TaskType;
  /** Classes, or labels per sample for multi-label. */
  numClasses: number;
  classNames: string[];
}

/**
 * Resolves and checks the task of a dataset's labels. Throws UnknownTaskError for a task name MedMNIST
 * does not use, LabelShapeMismatchError when labels do not fit the task (naming split and sample), and
 * ClassNamesMismatchError when the names do not fit the labels.
 */
export function resolveLabelTask(args: LabelTaskArgs): LabelTask {
  const { source, labels } = args;
  if (args.task !== undefined && !(TASK_TYPES as readonly string[]).includes(args.task)) {
    throw new UnknownTaskError(args.task, TASK_TYPES);
  }
  const columns = labels[0]?.columns ?? 1;
  const max = checkedMaximum(source, labels, columns);
  const names = args.classNames ?? args.known?.classNames;
  const task =
    (args.task as TaskType | undefined) ??
    args.known?.task ??
    (columns > 1
      ? 'multi-label, binary-class'
      : (names?.length ?? max + 1) === 2
        ? 'binary-class'
        : 'multi-class');

  if (task === 'multi-label, binary-class') {
    const first = labels.find((l) => l.columns < 2);
    if (first) {
      throw new LabelShapeMismatchError(
        source,
        first.split,
        `one label column`,
        `(N, L) columns of 0/1, L >= 2, for task '${task}'`,
      );
    }
    if (max > 1) {
      const at = firstAtLeast(labels, 2);
      throw new LabelShapeMismatchError(
        source,
        at.split,
        `value ${at.value} at ${at.where}`,
        `0 or 1 in every column for task '${task}'`,
      );
    }
    return { task, numClasses: columns, classNames: namesFor(source, names, columns, args.maxClasses) };
  }

  const multiColumn = labels.find((l) => l.columns !== 1);
  if (multiColumn) {
    throw new LabelShapeMismatchError(
      source,
      multiColumn.split,
      `${multiColumn.columns} label columns`,
      `one class index per sample for task '${task}' (several 0/1 columns are task 'multi-label, binary-class')`,
    );
  }
  const numClasses = names?.length ?? max + 1;
  if (max >= numClasses) {
    const at = firstAtLeast(labels, numClasses);
    throw new LabelShapeMismatchError(
      source,
      at.split,
      `class index ${at.value} at ${at.where}`,
      `indices 0..${numClasses - 1}, one per class name (${JSON.stringify(names)})`,
    );
  }
  if (numClasses < 2) {
    const first = labels[0]?.split ?? 'all';
    throw new LabelShapeMismatchError(
      source,
      first,
      'a single class value (0) in every split',
      'at least two classes; pass the class names if some classes have no samples here',
    );
  }
  if (task === 'binary-class' && numClasses !== 2) {
    if (names)
      throw new ClassNamesMismatchError(
        source,
        names,
        `are ${names.length} names for task 'binary-class', which has 2 classes`,
      );
    const at = firstAtLeast(labels, 2);
    throw new LabelShapeMismatchError(
      source,
      at.split,
      `class index ${at.value} at ${at.where}`,
      `0 or 1 for task 'binary-class'`,
    );
  }
  if (task === 'multi-class' && numClasses === 2) {
    throw new LabelShapeMismatchError(
      source,
      labels[0]?.split ?? 'all',
      'two classes',
      `three or more classes for task 'multi-class'; two classes are task 'binary-class'`,
    );
  }
  return { task, numClasses, classNames: namesFor(source, names, numClasses, args.maxClasses) };
}

/** The largest label, after checking every label is a non-negative integer and every split has `columns` columns. */
function checkedMaximum(source: string, labels: readonly LabelMatrix[], columns: number): number {
  let max = 0;
  for (const l of labels) {
    if (l.columns !== columns) {
      throw new LabelShapeMismatchError(
        source,
        l.split,
        `${l.columns} label columns`,
        `${columns}, as in the ${labels[0]?.split} split`,
      );
    }
    if (l.values.length !== l.rows * l.columns) {
      throw new LabelShapeMismatchError(
        source,
        l.split,
        `${l.values.length} values for ${l.rows} samples`,
        `${l.columns} per sample`,
      );
    }
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i] as number;
      if (!Number.isInteger(v) || v < 0) {
        throw new LabelShapeMismatchError(
          source,
          l.split,
          `value ${v} at ${position(l, i)}`,
          'non-negative integer labels',
        );
      }
      if (v > max) max = v;
    }
  }
  return max;
}

function firstAtLeast(
  labels: readonly LabelMatrix[],
  bound: number,
): { split: string; value: number; where: string } {
  for (const l of labels) {
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i] as number;
      if (v >= bound) return { split: l.split, value: v, where: position(l, i) };
    }
  }
  return { split: labels[0]?.split ?? 'all', value: bound, where: 'no sample' };
}

const position = (l: LabelMatrix, i: number): string =>
  l.columns === 1 ? `sample ${i}` : `sample ${Math.floor(i / l.columns)}, column ${i % l.columns}`;

function namesFor(
  source: string,
  names: readonly string[] | undefined,
  count: number,
  maxClasses: number,
): string[] {
  if (count > maxClasses) {
    throw new ClassNamesMismatchError(
      source,
      names ?? [],
      `would make ${count} classes; at most ${maxClasses} are supported`,
    );
  }
  if (!names) return Array.from({ length: count }, (_, i) => String(i));
  if (names.length !== count) {
    throw new ClassNamesMismatchError(source, names, `are ${names.length} names for ${count} label columns`);
  }
  if (names.some((n) => n.trim() === '') || new Set(names).size !== names.length) {
    throw new ClassNamesMismatchError(source, names, 'include an empty or repeated name');
  }
  return [...names];
}
