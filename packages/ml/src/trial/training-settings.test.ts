import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from '@medsweep/core/sweep';
import type { SweepSpecInput } from '@medsweep/core/sweep';
import { UnsupportedHyperparameterError } from '../errors.js';
import type { SweepTrial } from './sweep-trial.js';
import { trialTrainingSettings } from './training-settings.js';

const BASE: SweepSpecInput = {
  name: 'settings',
  dataset: 'breastmnist',
  architectures: ['vgg16'],
  arms: ['scratch', 'pretrained:imagenet'],
  search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.01] } } },
  seeds: [1],
  budget: { maxTrials: 1, maxEpochs: 100 },
};

function trial(
  params: Record<string, number | string>,
  arm = 'scratch',
  spec: Partial<SweepSpecInput> = {},
): SweepTrial {
  return {
    trialKey: 's:0',
    plan: { index: 0, architecture: 'vgg16', arm, params, seed: 1, configIndex: 0 },
    spec: parseSweepSpec({ ...BASE, ...spec }),
  };
}

describe('trialTrainingSettings', () => {
  it('follows the MedMNIST protocol where the search space is silent', () => {
    expect(trialTrainingSettings(trial({}))).toEqual({
      optimizer: { kind: 'adam', learningRate: 1e-3 },
      batchSize: 128,
      schedule: { kind: 'constant' },
      epochs: 100,
    });
  });

  it("maps the spec's schedule, augmentation, class weights and patience", () => {
    const settings = trialTrainingSettings(
      trial({ lr: 0.1, optimizer: 'sgd', momentum: 0.9, batchSize: 32 }, 'scratch', {
        training: {
          schedule: { kind: 'step', milestones: [50, 75], gamma: 0.1 },
          augmentation: { rotationDegrees: 10, horizontalFlip: true, scale: 0.1 },
          classWeights: 'balanced',
          patience: 5,
        },
      }),
    );
    expect(settings).toEqual({
      optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
      batchSize: 32,
      schedule: { kind: 'step', milestones: [50, 75], gamma: 0.1 },
      epochs: 100,
      augmentation: { rotationDegrees: 10, horizontalFlip: true, verticalFlip: false, zoomRange: [0.9, 1.1] },
      classWeights: 'balanced',
      earlyStopping: { patience: 5 },
    });
    expect(
      trialTrainingSettings(trial({}, 'scratch', { training: { schedule: { kind: 'sgdr', period: 10 } } }))
        .schedule,
    ).toEqual({ kind: 'sgdr', firstPeriodEpochs: 10, periodMultiplier: 2, minLearningRate: 0 });
  });

  it("scales a pretrained arm's learning rate by the transfer multiplier", () => {
    const spec = { transfer: { mode: 'fine-tune-top' as const, blocks: 2, lrMultiplier: 0.1 } };
    expect(
      trialTrainingSettings(trial({ lr: 0.01 }, 'pretrained:imagenet', spec)).optimizer.learningRate,
    ).toBeCloseTo(0.001, 12);
    expect(trialTrainingSettings(trial({ lr: 0.01 }, 'scratch', spec)).optimizer.learningRate).toBe(0.01);
  });

  it('refuses weight decay and mistyped values instead of ignoring them', () => {
    expect(() => trialTrainingSettings(trial({ weightDecay: 1e-4 }))).toThrow(UnsupportedHyperparameterError);
    expect(() => trialTrainingSettings(trial({ weightDecay: 0 }))).not.toThrow();
    expect(() => trialTrainingSettings(trial({ lr: 'fast' }))).toThrow(
      'params.lr = "fast"; accepted: a number',
    );
    expect(() => trialTrainingSettings(trial({ optimizer: 'rmsprop' }))).toThrow(/adam or sgd/);
  });
});
