// How a trial's sampled hyperparameters and its sweep's training section become the trainer's settings.
import { PROTOCOL_DEFAULTS } from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core/sweep';
import type { AugmentationArgs } from '../data/augmentation.js';
import { UnsupportedHyperparameterError } from '../errors.js';
import type { LrSchedule } from '../training/lr-schedule.js';
import type { OptimizerArgs } from '../training/optimizer.js';
import type { TrainArgs } from '../training/trainer.js';
import type { SweepTrial } from './sweep-trial.js';

export type TrialTrainingSettings = Pick<
  TrainArgs,
  'optimizer' | 'batchSize' | 'schedule' | 'augmentation' | 'classWeights' | 'earlyStopping' | 'epochs'
>;

/**
 * The trainer settings of a trial, trained for budget.maxEpochs (the schedule spans the whole budget).
 * The learning rate of a pretrained arm is scaled by spec.transfer.lrMultiplier (fine-tuning uses a
 * lower rate); momentum applies to SGD only. Throws UnsupportedHyperparameterError for a parameter of
 * the wrong type, and for weight decay, which the trainer does not implement (a sampled value must
 * never be ignored silently).
 */
export function trialTrainingSettings({ trialKey, spec, plan }: SweepTrial): TrialTrainingSettings {
  const params = plan.params;
  const number = (name: string, fallback?: number): number | undefined => {
    const value = params[name] ?? fallback;
    if (value !== undefined && typeof value !== 'number') {
      throw new UnsupportedHyperparameterError(trialKey, name, value, 'a number');
    }
    return value;
  };
  const weightDecay = number('weightDecay');
  if (weightDecay !== undefined && weightDecay !== 0) {
    throw new UnsupportedHyperparameterError(
      trialKey,
      'weightDecay',
      weightDecay,
      '0 (the trainer has no weight decay)',
    );
  }
  const kind = params['optimizer'] ?? PROTOCOL_DEFAULTS.optimizer;
  if (kind !== 'adam' && kind !== 'sgd') {
    throw new UnsupportedHyperparameterError(trialKey, 'optimizer', kind, 'adam or sgd');
  }
  const multiplier = plan.arm === 'scratch' ? 1 : spec.transfer.lrMultiplier;
  const learningRate = (number('lr', PROTOCOL_DEFAULTS.lr) as number) * multiplier;
  const optimizer: OptimizerArgs =
    kind === 'sgd'
      ? { kind, learningRate, momentum: number('momentum', 0) as number }
      : { kind, learningRate };

  const { training } = spec;
  const patience = training.patience;
  const augmentation = augmentationOf(training.augmentation);
  return {
    optimizer,
    batchSize: number('batchSize', PROTOCOL_DEFAULTS.batchSize) as number,
    schedule: scheduleOf(training.schedule),
    epochs: spec.budget.maxEpochs,
    ...(augmentation ? { augmentation } : {}),
    ...(training.classWeights === 'balanced' ? { classWeights: 'balanced' as const } : {}),
    ...(patience === undefined ? {} : { earlyStopping: { patience } }),
  };
}

function scheduleOf(schedule: SweepSpec['training']['schedule']): LrSchedule {
  switch (schedule.kind) {
    case 'constant':
      return { kind: 'constant' };
    case 'step':
      // Both count milestones as epochs completed: the rate drops from the milestone's epoch on.
      return { kind: 'step', milestones: schedule.milestones, gamma: schedule.gamma };
    case 'cosine':
      return { kind: 'cosine', minLearningRate: schedule.minLr };
    case 'sgdr':
      return {
        kind: 'sgdr',
        firstPeriodEpochs: schedule.period,
        periodMultiplier: schedule.periodMultiplier,
        minLearningRate: schedule.minLr,
      };
    default: {
      const unknown: never = schedule;
      return unknown;
    }
  }
}

/** The spec's augmentation, or undefined when it changes nothing. `scale` s zooms within [1 - s, 1 + s]. */
function augmentationOf(a: SweepSpec['training']['augmentation']): AugmentationArgs | undefined {
  if (a.rotationDegrees === 0 && !a.horizontalFlip && !a.verticalFlip && a.scale === 0) return undefined;
  return {
    rotationDegrees: a.rotationDegrees,
    horizontalFlip: a.horizontalFlip,
    verticalFlip: a.verticalFlip,
    ...(a.scale > 0 ? { zoomRange: [1 - a.scale, 1 + a.scale] as const } : {}),
  };
}
