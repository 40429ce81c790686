// "95% CI for new patients": the two-level intervals (stats/two-level.ts) of a leaderboard entry's mean
// and of a scratch-vs-transfer gain, from every run's test predictions. The interval over seeds says
// what more seeds would show on THESE test images; this one adds the test-set sampling noise, i.e. what
// the recipe would score on another sample of patients, which on a 156-image split is most of the
// uncertainty. It exists for test AUC and test ACC (MedMNIST's two metrics) and needs every run's stored
// predictions on the same test images; where it cannot be computed it says why instead of guessing.
import { CoreError } from '../errors.js';
import type { TaskType } from '../metrics/task.js';
import type { IntervalResult } from '../stats/intervals.js';
import type {
  TwoLevelGainInterval,
  TwoLevelInterval,
  TwoLevelMetric,
  TwoLevelOptions,
} from '../stats/two-level.js';
import { TWO_LEVEL_METRICS, twoLevelGainInterval, twoLevelInterval } from '../stats/two-level.js';
import type { RunPredictions } from './compare-runs.js';
import { testImagesDiffer } from './compare-runs.js';
import type { MetricGoal } from './runs.js';

/** Why there is no two-level interval: no predictions for a run, a metric without one, another task. */
export interface TwoLevelUnavailable {
  readonly outcome: 'unavailable';
  readonly reason: string;
}

export type NewPatientsInterval = TwoLevelInterval | TwoLevelUnavailable;
export type NewPatientsGain = TwoLevelGainInterval | TwoLevelUnavailable;

/** One run and its test predictions; undefined when the run stored none. */
export interface RunTestPredictions {
  readonly trialId: string;
  readonly seed: number;
  readonly predictions: RunPredictions | undefined;
}

/** A final metric by split and name, e.g. `{ split: 'test', name: 'auc' }`. */
export interface FinalMetricRef {
  readonly split: string;
  readonly name: string;
}

/** The two-level metric of a final metric: test `auc` or test `acc`; undefined for every other one. */
export function twoLevelMetricOf(metric: FinalMetricRef): TwoLevelMetric | undefined {
  return metric.split === 'test' && (TWO_LEVEL_METRICS as readonly string[]).includes(metric.name)
    ? (metric.name as TwoLevelMetric)
    : undefined;
}

const unavailable = (reason: string): TwoLevelUnavailable => ({ outcome: 'unavailable', reason });

/**
 * The runs' predictions when every run has some on one set of test images, else the reason there is no
 * interval. The first run's images are the reference.
 */
function sharedTestSet(
  runs: readonly RunTestPredictions[],
): { yTrue: RunPredictions['yTrue']; predictions: RunPredictions[] } | TwoLevelUnavailable {
  const missing = runs.filter((r) => r.predictions === undefined).map((r) => r.trialId);
  if (missing.length > 0) return unavailable(`no stored test predictions for trial ${missing.join(', ')}`);
  const predictions = runs.map((r) => r.predictions as RunPredictions);
  const [first] = predictions;
  if (first === undefined) return unavailable('no runs');
  for (const [i, p] of predictions.entries()) {
    const difference = testImagesDiffer(first, p);
    if (difference !== undefined) {
      return unavailable(
        `trials ${runs[0]!.trialId} and ${runs[i]!.trialId} were evaluated on different test images (${difference})`,
      );
    }
  }
  return { yTrue: first.yTrue, predictions };
}

/** Runs the computation, turning a refusal by the statistics (task, single class) into its reason. */
function attempt<T>(compute: () => T): T | TwoLevelUnavailable {
  try {
    return compute();
  } catch (e) {
    if (e instanceof CoreError) return unavailable(e.message);
    throw e;
  }
}

/**
 * The two-level interval of a configuration's mean `metric` over its runs, for new patients (refused
 * with the mean below MINIMUM_SEEDS runs), or why there is none.
 */
export function newPatientsInterval(
  runs: readonly RunTestPredictions[],
  task: TaskType,
  metric: FinalMetricRef,
  options: TwoLevelOptions = {},
): NewPatientsInterval {
  const twoLevel = twoLevelMetricOf(metric);
  if (twoLevel === undefined) {
    return unavailable(
      `two-level intervals exist for test auc and test acc, not ${metric.split} ${metric.name}`,
    );
  }
  const shared = sharedTestSet(runs);
  if ('outcome' in shared) return shared;
  return attempt(() =>
    twoLevelInterval(
      shared.yTrue,
      shared.predictions.map((p) => p.yScore),
      task,
      twoLevel,
      options,
    ),
  );
}

/**
 * A gain as "positive = pretrained better": unchanged for a maximised metric; for a minimised one the
 * estimate and bounds are negated (scratch minus pretrained). The arms' means stay as measured.
 */
export function orientGain<T extends IntervalResult>(interval: T, goal: MetricGoal): T {
  if (goal === 'maximize') return interval;
  if (interval.outcome === 'refused') return { ...interval, estimate: -interval.estimate };
  return { ...interval, estimate: -interval.estimate, lower: -interval.upper, upper: -interval.lower };
}

/**
 * The two-level interval of the gain of a pretrained arm over scratch for new patients (paired by seed
 * when the arms ran the same seeds, Welch otherwise), oriented by `goal`, or why there is none.
 */
export function newPatientsGain(
  pretrained: readonly RunTestPredictions[],
  scratch: readonly RunTestPredictions[],
  task: TaskType,
  metric: FinalMetricRef,
  goal: MetricGoal,
  options: TwoLevelOptions = {},
): NewPatientsGain {
  const twoLevel = twoLevelMetricOf(metric);
  if (twoLevel === undefined) {
    return unavailable(
      `two-level intervals exist for test auc and test acc, not ${metric.split} ${metric.name}`,
    );
  }
  const shared = sharedTestSet([...pretrained, ...scratch]);
  if ('outcome' in shared) return shared;
  const seedScores = (runs: readonly RunTestPredictions[], offset: number) =>
    runs.map((r, i) => ({ seed: r.seed, scores: shared.predictions[offset + i]!.yScore }));
  return attempt(() =>
    orientGain(
      twoLevelGainInterval(
        shared.yTrue,
        seedScores(pretrained, 0),
        seedScores(scratch, pretrained.length),
        task,
        twoLevel,
        options,
      ),
      goal,
    ),
  );
}
