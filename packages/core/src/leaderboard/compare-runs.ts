// Paired comparison of two runs on the same test images: McNemar's test for accuracy, and for AUC
// DeLong's test (binary-class) and a class-stratified paired bootstrap (any single-label task). The
// predictions come from the runs' predictions artifacts, which the caller loads; nothing here does I/O.
// A table of several comparisons is a family: holmComparisonFamily adds Holm-adjusted p-values per test.
import { DifferentTestImagesError } from '../errors.js';
import { auc } from '../metrics/auc.js';
import { accuracy } from '../metrics/classification.js';
import type { Labels, Scores } from '../metrics/input.js';
import type { TaskType } from '../metrics/task.js';
import type { BootstrapOptions } from '../stats/bootstrap.js';
import type { DelongResult } from '../stats/delong.js';
import { delongTest } from '../stats/delong.js';
import type { McNemarResult } from '../stats/mcnemar.js';
import { mcnemarTest } from '../stats/mcnemar.js';
import { holmAdjust } from '../stats/holm.js';
import type { PairedAucDifference } from '../stats/paired-bootstrap.js';
import { pairedBootstrapAucDifference } from '../stats/paired-bootstrap.js';

/** One run's predictions on the test split, as its predictions artifact stores them. */
export interface RunPredictions {
  /** Ground truth of the test images, in the order of the scores. */
  yTrue: Labels;
  yScore: Scores;
  /** Hash identifying the test images (e.g. the dataset manifest hash); compared when both runs have one. */
  testSetHash?: string;
}

export interface RunComparison {
  task: TaskType;
  numImages: number;
  accuracy: { a: number; b: number; difference: number; mcnemar: McNemarResult };
  auc: {
    a: number;
    b: number;
    difference: number;
    /** DeLong's test; null unless the task is binary-class, the one DeLong is defined for. */
    delong: DelongResult | null;
    pairedBootstrap: PairedAucDifference;
  };
}

/**
 * How two runs' test predictions differ in their images (test-set hash, count, a label), or undefined
 * when they are on the same images in the same order.
 */
export function testImagesDiffer(a: RunPredictions, b: RunPredictions): string | undefined {
  if (a.testSetHash !== undefined && b.testSetHash !== undefined && a.testSetHash !== b.testSetHash) {
    return `test set ${a.testSetHash} vs ${b.testSetHash}`;
  }
  if (a.yTrue.length !== b.yTrue.length) return `${a.yTrue.length} labels vs ${b.yTrue.length}`;
  for (let i = 0; i < a.yTrue.length; i++) {
    if (a.yTrue[i] !== b.yTrue[i]) return `label ${i} is ${a.yTrue[i]} vs ${b.yTrue[i]}`;
  }
  return undefined;
}

/**
 * Compares run A with run B (differences are A - B). Multi-label tasks are refused by the tests
 * themselves (UnsupportedTaskError): compare each label as binary-class. Bootstrap options apply to the
 * paired bootstrap (default 2,000 resamples, seed 0).
 */
export function compareRuns(
  a: RunPredictions,
  b: RunPredictions,
  task: TaskType,
  options: BootstrapOptions = {},
): RunComparison {
  const difference = testImagesDiffer(a, b);
  if (difference !== undefined) throw new DifferentTestImagesError('compareRuns', difference);
  const mcnemar = mcnemarTest(a.yTrue, a.yScore, b.yScore, task);
  const pairedBootstrap = pairedBootstrapAucDifference(a.yTrue, a.yScore, b.yScore, task, options);
  const accuracyA = accuracy(a.yTrue, a.yScore, task);
  const accuracyB = accuracy(b.yTrue, b.yScore, task);
  const aucA = auc(a.yTrue, a.yScore, task);
  const aucB = auc(b.yTrue, b.yScore, task);
  return {
    task,
    numImages: a.yTrue.length,
    accuracy: { a: accuracyA, b: accuracyB, difference: accuracyA - accuracyB, mcnemar },
    auc: {
      a: aucA,
      b: aucB,
      difference: aucA - aucB,
      delong: task === 'binary-class' ? delongTest(a.yTrue, a.yScore, b.yScore, task) : null,
      pairedBootstrap,
    },
  };
}

/**
 * One comparison's p-values after Holm's adjustment over its family, one family per test: McNemar over
 * every comparison's McNemar p, DeLong over the DeLong p's (null for tasks without DeLong), the paired
 * bootstrap over its p's. The raw p-values stay in the comparison.
 */
export interface HolmAdjustedPValues {
  mcnemar: number;
  delong: number | null;
  pairedBootstrap: number;
}

/** The family of comparisons a table shows, each with its raw and Holm-adjusted p-values. */
export interface ComparisonFamily<T> {
  method: 'holm';
  /** Comparisons adjusted together (per test): the family-wise error rate holds over these. */
  size: number;
  members: { member: T; comparison: RunComparison; holm: HolmAdjustedPValues }[];
}

/**
 * Holm-adjusts a family of comparisons (all of one task, e.g. the leader against each entry shown),
 * separately for McNemar, DeLong and the paired bootstrap. `member` carries the caller's facts about each
 * comparison (which runs). A family of one is its raw p-values.
 */
export function holmComparisonFamily<T>(
  members: readonly { member: T; comparison: RunComparison }[],
): ComparisonFamily<T> {
  const mcnemar = holmAdjust(members.map((m) => m.comparison.accuracy.mcnemar.pValue));
  const bootstrap = holmAdjust(members.map((m) => m.comparison.auc.pairedBootstrap.pValue));
  const delongs = members.map((m) => m.comparison.auc.delong?.pValue);
  const delong = delongs.every((p) => p !== undefined) ? holmAdjust(delongs as number[]) : undefined;
  return {
    method: 'holm',
    size: members.length,
    members: members.map(({ member, comparison }, i) => ({
      member,
      comparison,
      holm: {
        mcnemar: mcnemar[i] as number,
        delong: delong === undefined ? null : (delong[i] as number),
        pairedBootstrap: bootstrap[i] as number,
      },
    })),
  };
}
