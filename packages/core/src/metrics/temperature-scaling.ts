// Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks"): one scalar T > 0
// divides the model's logits before the softmax/sigmoid, fitted on validation by minimising the negative
// log-likelihood. It changes confidence, never the ranking within a binary problem (AUC is unchanged) nor
// the argmax. What is scaled, per task:
// - binary-class: the positive-class logit, sigmoid(z / T) (with two softmax columns z = log p1 - log p0,
//   which is the same model);
// - multi-class, ordinal-regression: softmax(z / T) over all classes;
// - multi-label: each label's sigmoid(z_l / T), one T shared by all labels.
// Scores may be logits or the probabilities MedSweep's models output (softmax heads): log p differs from
// the logits by a per-row constant, which softmax(. / T) ignores, so the fit is the same.
//
// The fit: NLL as a function of 1/T is convex, so in log T it is unimodal and a golden-section search on
// log T inside a stated range finds its minimum to 1e-10 in log T (~55 evaluations, each O(n k)).
import {
  DegenerateStatisticError,
  InvalidOptionError,
  ProbabilityOutOfRangeError,
  SingleClassError,
  TemperatureAtBoundaryError,
} from '../errors.js';
import type { CalibrationOptions, ReliabilityBin } from './calibration.js';
import { expectedCalibrationError, reliabilityBins } from './calibration.js';
import type { Labelled, Labels, ScoreMatrix, Scores } from './input.js';
import { readLabelled } from './input.js';
import type { TaskType } from './task.js';
import { unknownTask } from './task.js';

/** Whether scores are probabilities (a softmax/sigmoid output, the default) or raw logits. */
export type ScoreKind = 'probabilities' | 'logits';

export interface TemperatureOptions {
  /** Default `probabilities`, what MedSweep's predictions documents hold. */
  readonly scoreKind?: ScoreKind;
}

export interface TemperatureFitOptions extends TemperatureOptions {
  /** Smallest temperature searched. Default 0.05 (sharpens up to 20x). */
  readonly minTemperature?: number;
  /** Largest temperature searched. Default 20 (softens up to 20x). */
  readonly maxTemperature?: number;
}

export interface TemperatureFit {
  /** The fitted T: probabilities are softmax/sigmoid(logits / T). > 1 means the model was overconfident. */
  readonly temperature: number;
  /** Mean NLL per sample (per sample and label for multi-label) at T = 1. */
  readonly nllBefore: number;
  /** Mean NLL at the fitted T. */
  readonly nllAfter: number;
  /** The range searched, [minTemperature, maxTemperature]. */
  readonly range: readonly [number, number];
  /** Number of NLL evaluations the search used. */
  readonly evaluations: number;
}

export interface CalibrationSide {
  readonly ece: number;
  readonly nll: number;
  readonly bins: ReliabilityBin[];
}

/** A temperature fitted on validation and its effect on an evaluation split (usually test). */
export interface TemperatureCalibration {
  readonly fit: TemperatureFit;
  /** ECE, NLL and reliability bins of the evaluation split at T = 1 and at the fitted T. */
  readonly before: CalibrationSide;
  readonly after: CalibrationSide;
  /** The evaluation split's probabilities at the fitted T, row-major like its scores. */
  readonly scaledScores: ScoreMatrix;
}

const DEFAULT_MIN_TEMPERATURE = 0.05;
const DEFAULT_MAX_TEMPERATURE = 20;
/** Width in log T at which the golden-section search stops: T is known to ~1e-10 relative. */
const LOG_TOLERANCE = 1e-10;
/** The smallest positive float32 (2^-149): a float32 softmax output of 0 is taken as this, so log p is finite. */
const SMALLEST_FLOAT32 = 2 ** -149;
const INVERSE_GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Logits of a validated split: for binary-class one column (the positive-class logit), otherwise one
 * column per class or label. Probabilities are mapped through log (multi-class) or log-odds.
 */
interface Logits {
  readonly values: Float64Array;
  readonly numColumns: number;
}

function requireProbabilities(operation: string, data: Labelled): void {
  const { scores, numColumns } = data;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] as number;
    if (!(p >= 0 && p <= 1)) {
      throw new ProbabilityOutOfRangeError(operation, Math.floor(i / numColumns), i % numColumns, p);
    }
  }
}

const safeLog = (p: number) => Math.log(Math.max(p, SMALLEST_FLOAT32));

function logitsOf(operation: string, data: Labelled, scoreKind: ScoreKind): Logits {
  const { numSamples, numColumns: k, scores } = data;
  if (scoreKind === 'probabilities') requireProbabilities(operation, data);
  switch (data.task) {
    case 'binary-class': {
      const values = new Float64Array(numSamples);
      for (let i = 0; i < numSamples; i++) {
        const last = scores[i * k + k - 1] as number;
        if (scoreKind === 'logits') {
          values[i] = k === 1 ? last : last - (scores[i * k] as number);
        } else {
          const negative = k === 1 ? 1 - last : (scores[i * k] as number);
          values[i] = safeLog(last) - safeLog(negative);
        }
      }
      return { values, numColumns: 1 };
    }
    case 'multi-class':
    case 'ordinal-regression':
      return {
        values: Float64Array.from(scores, (s) => (scoreKind === 'logits' ? s : safeLog(s))),
        numColumns: k,
      };
    case 'multi-label, binary-class':
      return {
        values: Float64Array.from(scores, (s) => (scoreKind === 'logits' ? s : safeLog(s) - safeLog(1 - s))),
        numColumns: k,
      };
    default:
      return unknownTask(data.task);
  }
}

/** log(sigmoid(x)) without overflow. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Whether the task is scored by independent sigmoids (binary, multi-label) rather than one softmax. */
function isSigmoidTask(task: TaskType): boolean {
  switch (task) {
    case 'binary-class':
    case 'multi-label, binary-class':
      return true;
    case 'multi-class':
    case 'ordinal-regression':
      return false;
    default:
      return unknownTask(task);
  }
}

/** Mean NLL at inverse temperature `beta` (= 1/T). */
function meanNll(task: TaskType, labels: Labels, logits: Logits, beta: number): number {
  const { values, numColumns: k } = logits;
  let total = 0;
  if (isSigmoidTask(task)) {
    for (let i = 0; i < values.length; i++) {
      const z = beta * (values[i] as number);
      total -= labels[i] === 1 ? logSigmoid(z) : logSigmoid(-z);
    }
    return total / values.length;
  }
  const n = values.length / k;
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (let c = 0; c < k; c++) top = Math.max(top, beta * (values[i * k + c] as number));
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(beta * (values[i * k + c] as number) - top);
    total += top + Math.log(sum) - beta * (values[i * k + (labels[i] as number)] as number);
  }
  return total / n;
}

/** Throws SingleClassError when the labels hold one outcome only: T would run to a range boundary. */
function requireTwoOutcomes(operation: string, data: Labelled): void {
  const { labels, task } = data;
  const first = labels[0] as number;
  for (let i = 1; i < labels.length; i++) if (labels[i] !== first) return;
  if (isSigmoidTask(task)) {
    const [positives, negatives] = first === 1 ? [labels.length, 0] : [0, labels.length];
    throw new SingleClassError(operation, 'the validation labels', positives, negatives);
  }
  throw new SingleClassError(operation, `the validation labels (class ${first} vs rest)`, labels.length, 0);
}

/** Throws DegenerateStatisticError when every logit row is constant: the NLL does not depend on T. */
function requireInformativeScores(operation: string, task: TaskType, logits: Logits): void {
  const { values, numColumns: k } = logits;
  const sigmoidTask = isSigmoidTask(task);
  for (let i = 0; i < values.length; i += sigmoidTask ? 1 : k) {
    if (sigmoidTask ? values[i] !== 0 : values.subarray(i, i + k).some((v) => v !== values[i])) return;
  }
  throw new DegenerateStatisticError(
    operation,
    'every score row gives equal probability to all outcomes, so the likelihood does not depend on T',
    'a constant model cannot be calibrated by a temperature; check the predictions',
  );
}

function resolveRange(operation: string, options: TemperatureFitOptions): [number, number] {
  const min = options.minTemperature ?? DEFAULT_MIN_TEMPERATURE;
  const max = options.maxTemperature ?? DEFAULT_MAX_TEMPERATURE;
  if (!(Number.isFinite(min) && min > 0)) {
    throw new InvalidOptionError(operation, 'minTemperature', min, 'a finite number > 0');
  }
  if (!(Number.isFinite(max) && max > min)) {
    throw new InvalidOptionError(
      operation,
      'maxTemperature',
      max,
      `a finite number > minTemperature (${min})`,
    );
  }
  return [min, max];
}

function resolveScoreKind(operation: string, options: TemperatureOptions): ScoreKind {
  const kind = options.scoreKind ?? 'probabilities';
  if (kind !== 'probabilities' && kind !== 'logits') {
    throw new InvalidOptionError(operation, 'scoreKind', kind, "'probabilities' or 'logits'");
  }
  return kind;
}

/** Golden-section minimisation of f on [a, b]; returns the midpoint of the final bracket. */
function goldenSection(f: (x: number) => number, a: number, b: number): { x: number; evaluations: number } {
  let lo = a;
  let hi = b;
  let x1 = hi - INVERSE_GOLDEN * (hi - lo);
  let x2 = lo + INVERSE_GOLDEN * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  let evaluations = 2;
  while (hi - lo > LOG_TOLERANCE) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - INVERSE_GOLDEN * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + INVERSE_GOLDEN * (hi - lo);
      f2 = f(x2);
    }
    evaluations++;
  }
  return { x: (lo + hi) / 2, evaluations };
}

/**
 * Fits the temperature that minimises the mean NLL of validation predictions. Throws SingleClassError
 * when the labels hold one outcome only, DegenerateStatisticError when the scores are constant, and
 * TemperatureAtBoundaryError when the minimum lies at the edge of the range (e.g. perfectly separated
 * validation data, whose NLL keeps falling as T -> 0): a clipped T is not a fit.
 */
export function fitTemperature(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: TemperatureFitOptions = {},
): TemperatureFit {
  const operation = 'fitTemperature';
  const scoreKind = resolveScoreKind(operation, options);
  const range = resolveRange(operation, options);
  const data = readLabelled(operation, yTrue, yScore, task);
  requireTwoOutcomes(operation, data);
  const logits = logitsOf(operation, data, scoreKind);
  requireInformativeScores(operation, task, logits);
  const nllAtLogT = (logT: number) => meanNll(task, data.labels, logits, Math.exp(-logT));
  const lower = Math.log(range[0]);
  const upper = Math.log(range[1]);
  const { x, evaluations } = goldenSection(nllAtLogT, lower, upper);
  // The search converges to an end of the range when the minimum is outside it.
  if (x - lower < 1e-6 || upper - x < 1e-6) {
    throw new TemperatureAtBoundaryError(operation, Math.exp(x), range);
  }
  const temperature = Math.exp(x);
  return {
    temperature,
    nllBefore: meanNll(task, data.labels, logits, 1),
    nllAfter: meanNll(task, data.labels, logits, 1 / temperature),
    range,
    evaluations,
  };
}

function requireTemperature(operation: string, temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new InvalidOptionError(operation, 'temperature', temperature, 'a finite number > 0');
  }
}

/** Probabilities at temperature T, in the score layout of the task (binary-class: two columns). */
function scaledProbabilities(task: TaskType, logits: Logits, temperature: number): ScoreMatrix {
  const beta = 1 / temperature;
  const { values, numColumns: k } = logits;
  switch (task) {
    case 'binary-class': {
      const out = new Float64Array(values.length * 2);
      values.forEach((z, i) => {
        out[2 * i + 1] = sigmoid(beta * z);
        out[2 * i] = sigmoid(-beta * z);
      });
      return { values: out, numColumns: 2 };
    }
    case 'multi-label, binary-class':
      return { values: Float64Array.from(values, (z) => sigmoid(beta * z)), numColumns: k };
    case 'multi-class':
    case 'ordinal-regression': {
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i += k) {
        let top = -Infinity;
        for (let c = 0; c < k; c++) top = Math.max(top, beta * (values[i + c] as number));
        let sum = 0;
        for (let c = 0; c < k; c++) sum += out[i + c] = Math.exp(beta * (values[i + c] as number) - top);
        for (let c = 0; c < k; c++) out[i + c]! /= sum;
      }
      return { values: out, numColumns: k };
    }
    default:
      return unknownTask(task);
  }
}

/**
 * The probabilities of `yScore` at temperature T (binary-class always as two columns, the positive class
 * last). Needs no labels: this is what a deployed, recalibrated model outputs.
 */
export function applyTemperature(
  yScore: Scores,
  task: TaskType,
  temperature: number,
  options: TemperatureOptions = {},
): ScoreMatrix {
  const operation = 'applyTemperature';
  const scoreKind = resolveScoreKind(operation, options);
  requireTemperature(operation, temperature);
  const data = unlabelled(operation, yScore, task);
  return scaledProbabilities(task, logitsOf(operation, data, scoreKind), temperature);
}

/** Validates scores that come without labels: class 0 stands in for every label, which every task accepts. */
function unlabelled(operation: string, yScore: Scores, task: TaskType): Labelled {
  const isMatrix = 'numColumns' in yScore;
  const numColumns = isMatrix ? yScore.numColumns : (yScore[0]?.length ?? 0);
  const validColumns = Number.isInteger(numColumns) && numColumns > 0;
  // An invalid matrix gets zero labels here; readLabelled then names what is wrong with its shape.
  const rows = !validColumns ? 0 : isMatrix ? Math.floor(yScore.values.length / numColumns) : yScore.length;
  const labelsPerRow = task === 'multi-label, binary-class' ? numColumns : 1;
  return readLabelled(operation, new Uint8Array(rows * labelsPerRow), yScore, task);
}

/** Mean NLL of predictions at temperature T (T = 1: the model as it is). */
export function temperatureNll(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  temperature: number,
  options: TemperatureOptions = {},
): number {
  const operation = 'temperatureNll';
  const scoreKind = resolveScoreKind(operation, options);
  requireTemperature(operation, temperature);
  const data = readLabelled(operation, yTrue, yScore, task);
  return meanNll(task, data.labels, logitsOf(operation, data, scoreKind), 1 / temperature);
}

/**
 * Fits T on validation predictions and reports the evaluation split's calibration before and after:
 * ECE, NLL and reliability bins (CalibrationOptions.bins, default 15) at T = 1 and at the fitted T.
 */
export function calibrateWithTemperature(
  validation: { readonly yTrue: Labels; readonly yScore: Scores },
  evaluation: { readonly yTrue: Labels; readonly yScore: Scores },
  task: TaskType,
  options: TemperatureFitOptions & CalibrationOptions = {},
): TemperatureCalibration {
  const fit = fitTemperature(validation.yTrue, validation.yScore, task, options);
  const side = (temperature: number) => {
    const probabilities = applyTemperature(evaluation.yScore, task, temperature, options);
    return {
      probabilities,
      summary: {
        ece: expectedCalibrationError(evaluation.yTrue, probabilities, task, options),
        nll: temperatureNll(evaluation.yTrue, evaluation.yScore, task, temperature, options),
        bins: reliabilityBins(evaluation.yTrue, probabilities, task, options),
      },
    };
  };
  const before = side(1);
  const after = side(fit.temperature);
  return { fit, before: before.summary, after: after.summary, scaledScores: after.probabilities };
}
