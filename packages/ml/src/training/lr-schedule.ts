import { TrainConfigError } from '../errors.js';

/**
 * How the learning rate moves over a run, relative to the optimizer's base rate:
 * - constant;
 * - step: multiplied by gamma at each milestone epoch (0-based; MedMNIST: gamma 0.1 at [50, 75]);
 * - cosine: half a cosine from base to minLearningRate over the whole run, updated every batch;
 * - sgdr: cosine annealing with warm restarts (Loshchilov & Hutter 2017): periods of
 *   firstPeriodEpochs, each periodMultiplier times longer than the last, restarting at base.
 */
export type LrSchedule =
  | { kind: 'constant' }
  | { kind: 'step'; milestones: readonly number[]; gamma: number }
  | { kind: 'cosine'; minLearningRate?: number }
  | { kind: 'sgdr'; firstPeriodEpochs: number; periodMultiplier?: number; minLearningRate?: number };

/** Where in the run a step is: batch `batch` of `batchesPerEpoch` in 0-based epoch `epoch` of `epochs`. */
export interface RunPosition {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  epochs: number;
}

/** Throws TrainConfigError for a schedule no run could follow. */
export function validateSchedule(schedule: LrSchedule, baseLearningRate: number): void {
  const min = 'minLearningRate' in schedule ? (schedule.minLearningRate ?? 0) : 0;
  if (!(min >= 0 && min <= baseLearningRate)) {
    throw new TrainConfigError(
      'schedule.minLearningRate',
      min,
      `a rate in [0, ${baseLearningRate}] (the base rate)`,
    );
  }
  switch (schedule.kind) {
    case 'constant':
    case 'cosine':
      return;
    case 'step':
      if (!(schedule.gamma > 0) || !schedule.milestones.every((m) => Number.isInteger(m) && m > 0)) {
        throw new TrainConfigError('schedule', schedule, 'gamma > 0 and milestones of positive whole epochs');
      }
      return;
    case 'sgdr':
      if (!(schedule.firstPeriodEpochs > 0) || !((schedule.periodMultiplier ?? 1) >= 1)) {
        throw new TrainConfigError('schedule', schedule, 'firstPeriodEpochs > 0 and periodMultiplier >= 1');
      }
      return;
    default: {
      const unknown: never = schedule;
      throw new TrainConfigError(
        'schedule.kind',
        (unknown as { kind: unknown }).kind,
        'constant, step, cosine or sgdr',
      );
    }
  }
}

/** The learning rate of the step at `at`; a pure function, so a resumed run recomputes it exactly. */
export function learningRateAt(schedule: LrSchedule, base: number, at: RunPosition): number {
  // Fractional epochs done before this step.
  const t = at.epoch + at.batch / at.batchesPerEpoch;
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * schedule.gamma ** schedule.milestones.filter((m) => at.epoch >= m).length;
    case 'cosine':
      return annealed(base, schedule.minLearningRate ?? 0, t / at.epochs);
    case 'sgdr': {
      const multiplier = schedule.periodMultiplier ?? 1;
      let period = schedule.firstPeriodEpochs;
      let start = 0;
      while (t >= start + period) {
        start += period;
        period *= multiplier;
      }
      return annealed(base, schedule.minLearningRate ?? 0, (t - start) / period);
    }
    default: {
      const unknown: never = schedule;
      throw new TrainConfigError(
        'schedule.kind',
        (unknown as { kind: unknown }).kind,
        'constant, step, cosine or sgdr',
      );
    }
  }
}

/** Cosine from `base` (fraction 0) down to `min` (fraction 1). */
function annealed(base: number, min: number, fraction: number): number {
  return min + ((base - min) * (1 + Math.cos(Math.PI * fraction))) / 2;
}
