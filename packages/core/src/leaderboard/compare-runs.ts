// Paired comparison of two runs on the same test images: McNemar's test for accuracy, and for AUC
// DeLong's test (binary-class) and a class-stratified paired bootstrap (any single-label task). The
// predictions come from the runs' predictions artifacts, which the caller loads; nothing here does I/O.
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

function requireSameImages(a: RunPredictions, b: RunPredictions): void {
  const operation = 'compareRuns';
  if (a.testSetHash !== undefined && b.testSetHash !== undefined && a.testSetHash !== b.testSetHash) {
    throw new DifferentTestImagesError(operation, `test set ${a.testSetHash} vs ${b.testSetHash}`);
  }
  if (a.yTrue.length !== b.yTrue.length) {
    throw new DifferentTestImagesError(operation, `${a.yTrue.length} labels vs ${b.yTrue.length}`);
  }
  for (let i = 0; i < a.yTrue.length; i++) {
    if (a.yTrue[i] !== b.yTrue[i]) {
      throw new DifferentTestImagesError(operation, `label ${i} is ${a.yTrue[i]} vs ${b.yTrue[i]}`);
    }
  }
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
  requireSameImages(a, b);
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
