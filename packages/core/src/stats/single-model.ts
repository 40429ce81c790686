// Intervals for one trained model on one test set, the numbers of an evaluation panel: AUC with a DeLong
// interval, accuracy, sensitivity and specificity with Wilson score intervals; the drop from the clean test
// set under a corruption (same images, so paired: DeLong's paired difference for AUC, Newcombe's paired
// score interval for the proportions); and the same metrics per subgroup of a per-sample attribute, with
// the largest gap between subgroups (MOVER from the two groups' intervals, Zou & Donner 2008).
//
// Which interval, and why (single-model-coverage.ts checks each by simulation at realistic sizes):
// - AUC: DeLong's variance on the logit scale, logit(A) +- z se / (A (1 - A)), mapped back. The plain
//   A +- z se undercovers badly near AUC 0.9 in small sets (0.83 at 30 images) and can leave [0, 1];
//   the logit form holds 0.94-0.95 from 30 images up when each class has enough samples.
// - proportions: Wilson's score interval (Wilson 1927), near nominal where the Wald interval is not.
// - paired differences: for AUC DeLong's difference, whose variance is small when the two scorings agree;
//   for proportions Newcombe's (1998) method 10, Wilson intervals of each proportion combined with the
//   phi correlation of the paired outcomes.
// A metric that is undefined (AUC without positives) or whose interval was not checked at this size is
// returned as `refused`, with the reason, rather than as a number. Results are intervals.ts's family:
// method, estimate, n (images), confidence, and for an interval its bounds, standard error and df
// (Infinity: every interval here uses normal quantiles).
import {
  DegenerateStatisticError,
  InvalidOptionError,
  LengthMismatchError,
  UnsupportedTaskError,
} from '../errors.js';
import { labelledAuc } from '../metrics/auc.js';
import type { DecisionOptions } from '../metrics/decisions.js';
import { predictions } from '../metrics/decisions.js';
import type { Labelled, Labels, Scores } from '../metrics/input.js';
import { readLabelled } from '../metrics/input.js';
import type { TaskType } from '../metrics/task.js';
import { unknownTask } from '../metrics/task.js';
import { delongTest } from './delong.js';
import type { Interval, IntervalMethod, IntervalResult, RefusedInterval } from './intervals.js';
import { resolveConfidence } from './intervals.js';
import { normalQuantile } from './normal.js';
import { readPaired } from './paired.js';

export const SINGLE_MODEL_METRICS = ['auc', 'accuracy', 'sensitivity', 'specificity'] as const;
export type SingleModelMetric = (typeof SINGLE_MODEL_METRICS)[number];

/**
 * One model's metric with its interval, or shown without one (the value where it is defined but its
 * interval is not, e.g. the AUC of a small subgroup; null where the metric is undefined) and why.
 */
export type MetricInterval = IntervalResult<number | null>;

export type SingleModelMetrics = Readonly<Record<SingleModelMetric, MetricInterval>>;

export interface SingleModelOptions extends DecisionOptions {
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number;
}

/** Sample counts behind a set of metrics. */
export interface SampleCounts {
  readonly samples: number;
  /** Binary-class: label 1; other tasks: null. */
  readonly positives: number | null;
  readonly negatives: number | null;
}

export interface TestSetMetrics extends SampleCounts {
  readonly metrics: SingleModelMetrics;
}

/** Fewest samples of each class for an AUC interval: coverage is checked from there (single-model-coverage.ts). */
export const MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL = 10;

const zFor = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);

/** A normal-quantile interval of this file: df = Infinity. */
function zInterval(
  method: IntervalMethod,
  estimate: number,
  n: number,
  confidence: number,
  bounds: { lower: number; upper: number; standardError: number },
): Interval {
  return { outcome: 'interval', method, estimate, n, confidence, df: Infinity, ...bounds };
}

/** A metric without an interval: its method (what the interval would have been), n and why. */
function refused<Estimate extends number | null>(
  method: IntervalMethod,
  estimate: Estimate,
  n: number,
  confidence: number,
  reason: string,
): RefusedInterval<Estimate> {
  return { outcome: 'refused', method, estimate, n, confidence, reason };
}

/** Wilson's score interval for `successes` of `trials`. Throws InvalidOptionError on counts that are not counts. */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  const operation = 'wilsonInterval';
  resolveConfidence(operation, { confidence });
  if (!Number.isInteger(trials) || trials < 1) {
    throw new InvalidOptionError(operation, 'trials', trials, 'an integer >= 1');
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new InvalidOptionError(operation, 'successes', successes, `an integer in [0, ${trials}]`);
  }
  const z = zFor(confidence);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return zInterval('wilson', p, trials, confidence, {
    // Clamped: at 0 or all successes the bound equals p up to rounding.
    lower: Math.max(0, centre - half),
    upper: Math.min(1, centre + half),
    standardError: Math.sqrt((p * (1 - p)) / trials),
  });
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

function requireSingleLabel(operation: string, task: TaskType): void {
  switch (task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      return;
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        operation,
        task,
        ['binary-class', 'multi-class', 'ordinal-regression'],
        'evaluate each label as its own binary-class task',
      );
    default:
      unknownTask(task);
  }
}

const BINARY_ONLY =
  'defined here for binary-class tasks only (DeLong and Wilson per class need one positive class)';

/** A binary split: which samples are positive and which predictions are correct. */
interface Outcomes {
  readonly positive: Uint8Array;
  readonly correct: Uint8Array;
}

function outcomesOf(operation: string, data: Labelled, options: DecisionOptions): Outcomes {
  const predicted = predictions(operation, data, options);
  return {
    positive: Uint8Array.from(data.labels, (label) => (data.task === 'binary-class' && label === 1 ? 1 : 0)),
    correct: Uint8Array.from(predicted, (p, i) => (p === data.labels[i] ? 1 : 0)),
  };
}

function countWhere(flags: Uint8Array, mask?: (i: number) => boolean): [number, number] {
  let hits = 0;
  let total = 0;
  for (let i = 0; i < flags.length; i++) {
    if (mask && !mask(i)) continue;
    total++;
    hits += flags[i] as number;
  }
  return [hits, total];
}

/** Wilson interval of the correct share of the samples in `mask`, or refused when there are none. */
function proportion(
  correct: Uint8Array,
  mask: ((i: number) => boolean) | undefined,
  confidence: number,
  none: string,
): MetricInterval {
  const [hits, total] = countWhere(correct, mask);
  if (total === 0) return refused('wilson', null, 0, confidence, none);
  return wilsonInterval(hits, total, confidence);
}

function aucInterval(
  operation: string,
  data: Labelled,
  positives: number,
  confidence: number,
): MetricInterval {
  const n = data.numSamples;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    return refused(
      'delong-logit',
      null,
      n,
      confidence,
      `AUC is undefined: the samples hold ${positives} positives and ${negatives} negatives`,
    );
  }
  if (positives < MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL || negatives < MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL) {
    return refused(
      'delong-logit',
      labelledAuc(operation, data),
      n,
      confidence,
      `no interval: ${positives} positives and ${negatives} negatives; the DeLong interval's coverage is checked from ${MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL} of each class`,
    );
  }
  // DeLong's variance of one AUC is that of its difference from a constant scorer, whose placements are
  // all 1/2: delongTest's difference form gives it without a second implementation.
  const scores = { values: data.scores, numColumns: data.numColumns };
  const constant = { values: new Float64Array(data.scores.length), numColumns: data.numColumns };
  let result;
  try {
    result = delongTest(data.labels, scores, constant, 'binary-class');
  } catch (error) {
    // Zero variance with an AUC away from 1/2: every placement equal, i.e. AUC 0 or 1.
    if (!(error instanceof DegenerateStatisticError)) throw error;
  }
  if (!result || result.variance === 0) {
    const auc = labelledAuc(operation, data);
    return refused(
      'delong-logit',
      auc,
      n,
      confidence,
      `no interval: DeLong's variance is 0 at AUC ${auc} (the classes are perfectly separated, or every score is tied)`,
    );
  }
  const { aucA: auc, variance } = result;
  const z = zFor(confidence);
  const standardError = Math.sqrt(variance);
  const halfWidth = (z * standardError) / (auc * (1 - auc));
  return zInterval('delong-logit', auc, n, confidence, {
    lower: expit(logit(auc) - halfWidth),
    upper: expit(logit(auc) + halfWidth),
    standardError,
  });
}

function metricsOf(
  operation: string,
  data: Labelled,
  options: SingleModelOptions,
  confidence: number,
): TestSetMetrics {
  const { positive, correct } = outcomesOf(operation, data, options);
  const accuracy = proportion(correct, undefined, confidence, 'no samples');
  if (data.task !== 'binary-class') {
    const n = data.numSamples;
    return {
      samples: n,
      positives: null,
      negatives: null,
      metrics: {
        auc: refused('delong-logit', null, n, confidence, BINARY_ONLY),
        accuracy,
        sensitivity: refused('wilson', null, n, confidence, BINARY_ONLY),
        specificity: refused('wilson', null, n, confidence, BINARY_ONLY),
      },
    };
  }
  const [positives] = countWhere(positive);
  return {
    samples: data.numSamples,
    positives,
    negatives: data.numSamples - positives,
    metrics: {
      auc: aucInterval(operation, data, positives, confidence),
      accuracy,
      sensitivity: proportion(
        correct,
        (i) => positive[i] === 1,
        confidence,
        'sensitivity is undefined: no positives',
      ),
      specificity: proportion(
        correct,
        (i) => positive[i] === 0,
        confidence,
        'specificity is undefined: no negatives',
      ),
    },
  };
}

/**
 * AUC (DeLong, logit scale), accuracy, sensitivity and specificity (Wilson) of one model on one test set.
 * Decisions at `threshold` (binary-class; default 0.5, the benchmark rule) or the argmax. Multi-class and
 * ordinal tasks get accuracy only (the others refused, with the reason); multi-label is rejected.
 */
export function testSetMetrics(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: SingleModelOptions = {},
): TestSetMetrics {
  const operation = 'testSetMetrics';
  const confidence = resolveConfidence(operation, options);
  requireSingleLabel(operation, task);
  return metricsOf(operation, readLabelled(operation, yTrue, yScore, task), options, confidence);
}

/** Newcombe's (1998) method 10 for p1 - p2 of paired 0/1 outcomes on the samples in `mask`. */
function pairedProportionDifference(
  first: Uint8Array,
  second: Uint8Array,
  mask: ((i: number) => boolean) | undefined,
  confidence: number,
  none: string,
): MetricInterval {
  let both = 0;
  let firstOnly = 0;
  let secondOnly = 0;
  let neither = 0;
  for (let i = 0; i < first.length; i++) {
    if (mask && !mask(i)) continue;
    if (first[i] && second[i]) both++;
    else if (first[i]) firstOnly++;
    else if (second[i]) secondOnly++;
    else neither++;
  }
  const n = both + firstOnly + secondOnly + neither;
  const method = 'newcombe-paired-difference';
  if (n === 0) return refused(method, null, 0, confidence, none);
  const a = wilsonInterval(both + firstOnly, n, confidence);
  const b = wilsonInterval(both + secondOnly, n, confidence);
  const margins = (both + firstOnly) * (secondOnly + neither) * (both + secondOnly) * (firstOnly + neither);
  const phi = margins === 0 ? 0 : (both * neither - firstOnly * secondOnly) / Math.sqrt(margins);
  const difference = a.estimate - b.estimate;
  const below = Math.sqrt(
    Math.max(
      0,
      (a.estimate - a.lower) ** 2 -
        2 * phi * (a.estimate - a.lower) * (b.upper - b.estimate) +
        (b.upper - b.estimate) ** 2,
    ),
  );
  const above = Math.sqrt(
    Math.max(
      0,
      (a.upper - a.estimate) ** 2 -
        2 * phi * (a.upper - a.estimate) * (b.estimate - b.lower) +
        (b.estimate - b.lower) ** 2,
    ),
  );
  // The paired difference's standard error, from the discordant counts.
  const discordant = firstOnly - secondOnly;
  const variance = (firstOnly + secondOnly - (discordant * discordant) / n) / (n * n);
  return zInterval(method, difference, n, confidence, {
    lower: difference - below,
    upper: difference + above,
    standardError: Math.sqrt(Math.max(0, variance)),
  });
}

function pairedAucDrop(
  yTrue: Labels,
  clean: Labelled,
  corrupted: Labelled,
  confidence: number,
): MetricInterval {
  const operation = 'dropFromClean';
  let positives = 0;
  for (let i = 0; i < clean.numSamples; i++) if (clean.labels[i] === 1) positives++;
  const n = clean.numSamples;
  const negatives = n - positives;
  const method = 'delong-paired-difference';
  if (positives < MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL || negatives < MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL) {
    return refused(
      method,
      null,
      n,
      confidence,
      `no interval: ${positives} positives and ${negatives} negatives; the paired DeLong interval's coverage is checked from ${MIN_CLASS_SAMPLES_FOR_AUC_INTERVAL} of each class`,
    );
  }
  try {
    const matrix = (data: Labelled) => ({ values: data.scores, numColumns: data.numColumns });
    const result = delongTest(yTrue, matrix(clean), matrix(corrupted), 'binary-class');
    const standardError = Math.sqrt(result.variance);
    const halfWidth = zFor(confidence) * standardError;
    return zInterval(method, result.difference, n, confidence, {
      lower: result.difference - halfWidth,
      upper: result.difference + halfWidth,
      standardError,
    });
  } catch (error) {
    if (!(error instanceof DegenerateStatisticError)) throw error;
    return refused(method, null, n, confidence, `${operation}: ${error.reason}`);
  }
}

/**
 * The drop of each metric from the clean test set to a corrupted copy of it (clean - corrupted, so a
 * positive drop is a loss), with paired intervals: both were scored on the same images, in the same
 * order. Returns the clean and corrupted metrics beside the drops.
 */
export function dropFromClean(
  yTrue: Labels,
  cleanScores: Scores,
  corruptedScores: Scores,
  task: TaskType,
  options: SingleModelOptions = {},
): { clean: TestSetMetrics; corrupted: TestSetMetrics; drop: SingleModelMetrics } {
  const operation = 'dropFromClean';
  const confidence = resolveConfidence(operation, options);
  requireSingleLabel(operation, task);
  const { a: clean, b: corrupted } = readPaired(operation, yTrue, cleanScores, corruptedScores, task);
  const cleanOutcomes = outcomesOf(operation, clean, options);
  const corruptedOutcomes = outcomesOf(operation, corrupted, options);
  const paired = (mask: ((i: number) => boolean) | undefined, none: string) =>
    pairedProportionDifference(cleanOutcomes.correct, corruptedOutcomes.correct, mask, confidence, none);
  const accuracy = paired(undefined, 'no samples');
  const binaryOnly = (method: IntervalMethod) =>
    refused(method, null, clean.numSamples, confidence, BINARY_ONLY);
  const isPositive = (i: number) => cleanOutcomes.positive[i] === 1;
  return {
    clean: metricsOf(operation, clean, options, confidence),
    corrupted: metricsOf(operation, corrupted, options, confidence),
    drop:
      task === 'binary-class'
        ? {
            auc: pairedAucDrop(yTrue, clean, corrupted, confidence),
            accuracy,
            sensitivity: paired(isPositive, 'sensitivity is undefined: no positives'),
            specificity: paired((i) => !isPositive(i), 'specificity is undefined: no negatives'),
          }
        : {
            auc: binaryOnly('delong-paired-difference'),
            accuracy,
            sensitivity: binaryOnly('newcombe-paired-difference'),
            specificity: binaryOnly('newcombe-paired-difference'),
          },
  };
}

export interface SubgroupOptions extends SingleModelOptions {
  /** Fewest samples a subgroup needs for any metric. Default 10. */
  readonly minSamples?: number;
}

export interface SubgroupMetrics extends SampleCounts {
  /** The attribute value. */
  readonly value: string;
  /** Why the subgroup gets no metrics at all (too small); metrics are then all refused with this reason. */
  readonly metrics: SingleModelMetrics;
}

/** Which subgroups a gap is between. */
export interface GapFacts {
  /** The subgroup with the highest estimate, and the one with the lowest. */
  readonly highest: string;
  readonly lowest: string;
  /** Present when more than two subgroups were compared: the pair was chosen by looking. */
  readonly note?: string;
}

/**
 * The largest difference of one metric between two subgroups (highest minus lowest) with a MOVER
 * interval, n the smaller subgroup; refused (estimate null, n 0) when fewer than two subgroups have one.
 */
export type SubgroupGap = (Interval & GapFacts) | RefusedInterval<null>;

export interface SubgroupReport {
  readonly groups: readonly SubgroupMetrics[];
  /** Samples whose attribute is null, undefined or empty: in no subgroup. */
  readonly missingAttribute: number;
  readonly largestGap: Readonly<Record<SingleModelMetric, SubgroupGap>>;
}

/** MOVER (Zou & Donner 2008) interval of a - b for independent estimates from their own intervals. */
function moverDifference(a: Interval, b: Interval): Interval {
  const difference = a.estimate - b.estimate;
  return zInterval('mover-difference', difference, Math.min(a.n, b.n), a.confidence, {
    lower: difference - Math.hypot(a.estimate - a.lower, b.upper - b.estimate),
    upper: difference + Math.hypot(a.upper - a.estimate, b.estimate - b.lower),
    standardError: Math.hypot(a.standardError, b.standardError),
  });
}

function largestGap(
  groups: readonly SubgroupMetrics[],
  metric: SingleModelMetric,
  confidence: number,
): SubgroupGap {
  const estimated = groups.flatMap((g) => {
    const m = g.metrics[metric];
    return m.outcome === 'interval' ? [{ value: g.value, interval: m }] : [];
  });
  if (estimated.length < 2) {
    return refused(
      'mover-difference',
      null,
      0,
      confidence,
      `${estimated.length} subgroup${estimated.length === 1 ? ' has' : 's have'} an interval for ${metric}; a gap needs two`,
    );
  }
  const byEstimate = [...estimated].sort((x, y) => y.interval.estimate - x.interval.estimate);
  const highest = byEstimate[0]!;
  const lowest = byEstimate[byEstimate.length - 1]!;
  return {
    ...moverDifference(highest.interval, lowest.interval),
    highest: highest.value,
    lowest: lowest.value,
    ...(estimated.length > 2 && {
      note: `the highest and lowest of ${estimated.length} subgroups: chosen after looking, so the gap tends to overstate the true spread`,
    }),
  };
}

/**
 * Metrics with intervals per subgroup of a per-sample attribute (sex, age band, site, ...), and the largest
 * gap between subgroups for each metric. A subgroup with fewer than `minSamples` samples gets no metrics;
 * one without positives no AUC or sensitivity; each refusal says why.
 */
export function subgroupMetrics(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  attribute: ArrayLike<string | null | undefined>,
  options: SubgroupOptions = {},
): SubgroupReport {
  const operation = 'subgroupMetrics';
  const confidence = resolveConfidence(operation, options);
  const minSamples = options.minSamples ?? 10;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new InvalidOptionError(operation, 'minSamples', minSamples, 'an integer >= 1');
  }
  requireSingleLabel(operation, task);
  const data = readLabelled(operation, yTrue, yScore, task);
  if (attribute.length !== data.numSamples) {
    throw new LengthMismatchError(
      operation,
      'attribute',
      data.numSamples,
      attribute.length,
      'one value per sample',
    );
  }
  const members = new Map<string, number[]>();
  let missingAttribute = 0;
  for (let i = 0; i < data.numSamples; i++) {
    const value = attribute[i];
    if (value === null || value === undefined || value === '') {
      missingAttribute++;
      continue;
    }
    const list = members.get(value) ?? [];
    list.push(i);
    members.set(value, list);
  }
  const k = data.numColumns;
  const groups = [...members.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, indices]): SubgroupMetrics => {
      const subset: Labelled = {
        ...data,
        numSamples: indices.length,
        labels: indices.map((i) => data.labels[i] as number),
        scores: Float64Array.from(
          { length: indices.length * k },
          (_, j) => data.scores[(indices[Math.floor(j / k)] as number) * k + (j % k)] as number,
        ),
      };
      const counted = metricsOf(operation, subset, options, confidence);
      if (indices.length >= minSamples) return { value, ...counted };
      const reason = `only ${indices.length} samples; metrics are shown for subgroups of at least ${minSamples}`;
      const tooSmall = (method: IntervalMethod) => refused(method, null, indices.length, confidence, reason);
      return {
        value,
        samples: counted.samples,
        positives: counted.positives,
        negatives: counted.negatives,
        metrics: {
          auc: tooSmall('delong-logit'),
          accuracy: tooSmall('wilson'),
          sensitivity: tooSmall('wilson'),
          specificity: tooSmall('wilson'),
        },
      };
    });
  return {
    groups,
    missingAttribute,
    largestGap: {
      auc: largestGap(groups, 'auc', confidence),
      accuracy: largestGap(groups, 'accuracy', confidence),
      sensitivity: largestGap(groups, 'sensitivity', confidence),
      specificity: largestGap(groups, 'specificity', confidence),
    },
  };
}
