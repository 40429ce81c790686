// Calibration on equal-width probability bins, binned like sklearn's calibration_curve(strategy=
// 'uniform'): edges i/bins, a probability on an inner edge falls in the lower bin. What is calibrated:
// - binary-class: the positive-class probability against the fraction of positives (a reliability diagram);
// - multi-class, ordinal-regression: the top-label confidence (max probability) against accuracy
//   (Guo et al. 2017, "On Calibration of Modern Neural Networks");
// - multi-label: every label probability against its 0/1 label, pooled.
import { InvalidOptionError, ProbabilityOutOfRangeError } from '../errors.js';
import { predictions } from './decisions.js';
import type { Labelled, Labels, Scores } from './input.js';
import { readLabelled } from './input.js';
import { lowerBound } from './ranking.js';
import type { TaskType } from './task.js';
import { unknownTask } from './task.js';

export interface CalibrationOptions {
  /** Number of equal-width bins on [0, 1]. Default 15, as Guo et al. 2017. */
  readonly bins?: number;
}

export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability of the bin's samples; null for an empty bin. */
  readonly meanConfidence: number | null;
  /** Fraction positive (binary, multi-label) or correct (multi-class); null for an empty bin. */
  readonly observedFrequency: number | null;
}

const DEFAULT_BINS = 15;

/** The probability and the 0/1 outcome calibration compares, per sample (per sample and label). */
interface CalibrationPairs {
  confidence: Float64Array;
  outcome: Uint8Array;
}

function requireProbabilities(operation: string, data: Labelled): void {
  const { scores, numColumns } = data;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (!(score >= 0 && score <= 1)) {
      throw new ProbabilityOutOfRangeError(operation, Math.floor(i / numColumns), i % numColumns, score);
    }
  }
}

function calibrationPairs(operation: string, data: Labelled): CalibrationPairs {
  const { numSamples, numColumns: k, labels, scores } = data;
  switch (data.task) {
    case 'binary-class':
      return {
        confidence: Float64Array.from({ length: numSamples }, (_, i) => scores[i * k + k - 1] as number),
        outcome: Uint8Array.from(labels),
      };
    case 'multi-class':
    case 'ordinal-regression': {
      const predicted = predictions(operation, data);
      return {
        confidence: Float64Array.from(predicted, (c, i) => scores[i * k + c] as number),
        outcome: Uint8Array.from(predicted, (c, i) => (c === labels[i] ? 1 : 0)),
      };
    }
    case 'multi-label, binary-class':
      return { confidence: Float64Array.from(scores), outcome: Uint8Array.from(labels) };
    default:
      return unknownTask(data.task);
  }
}

function binCount(operation: string, options: CalibrationOptions): number {
  const bins = options.bins ?? DEFAULT_BINS;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InvalidOptionError(operation, 'bins', bins, 'a positive integer');
  }
  return bins;
}

function reliability(operation: string, yTrue: Labels, yScore: Scores, task: TaskType, bins: number) {
  const data = readLabelled(operation, yTrue, yScore, task);
  requireProbabilities(operation, data);
  const { confidence, outcome } = calibrationPairs(operation, data);
  // np.linspace(0, 1, bins + 1) computes edge i as i * (1 / bins); the same floats keep edge cases equal.
  const step = 1 / bins;
  const innerEdges = Float64Array.from({ length: bins - 1 }, (_, i) => (i + 1) * step);
  const counts = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  const outcomeSums = new Float64Array(bins);
  for (let i = 0; i < confidence.length; i++) {
    const p = confidence[i] as number;
    const bin = lowerBound(innerEdges, p);
    counts[bin]! += 1;
    confidenceSums[bin]! += p;
    outcomeSums[bin]! += outcome[i] as number;
  }
  return { total: confidence.length, step, counts, confidenceSums, outcomeSums };
}

/** Per-bin counts, mean confidence and observed frequency: the data of a reliability diagram. */
export function reliabilityBins(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: CalibrationOptions = {},
): ReliabilityBin[] {
  const bins = binCount('reliabilityBins', options);
  const { step, counts, confidenceSums, outcomeSums } = reliability(
    'reliabilityBins',
    yTrue,
    yScore,
    task,
    bins,
  );
  return Array.from(counts, (count, b) => ({
    lower: b * step,
    upper: b === bins - 1 ? 1 : (b + 1) * step,
    count,
    meanConfidence: count === 0 ? null : (confidenceSums[b] as number) / count,
    observedFrequency: count === 0 ? null : (outcomeSums[b] as number) / count,
  }));
}

/**
 * Expected calibration error: the sample-weighted mean over bins of |observed frequency - mean
 * confidence|. Throws ProbabilityOutOfRangeError when a score is not in [0, 1].
 */
export function expectedCalibrationError(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: CalibrationOptions = {},
): number {
  const bins = binCount('expectedCalibrationError', options);
  const { total, confidenceSums, outcomeSums } = reliability(
    'expectedCalibrationError',
    yTrue,
    yScore,
    task,
    bins,
  );
  let gap = 0;
  for (let b = 0; b < bins; b++) gap += Math.abs((outcomeSums[b] as number) - (confidenceSums[b] as number));
  return gap / total;
}
