import { describe, expect, it } from 'vitest';
import { SegmentRangeError, TrialConfigError } from '../errors.js';
import { parseSweepSpec } from '../sweep/parse.js';
import type { TrialPlan } from '../sweep/plan.js';
import type { SweepSpecInput } from '../sweep/spec.js';
import { parseResolvedTrialConfig, resolvedTrialConfig, trialConfigHash } from './config.js';
import { segmentEnds, segmentIndexOf } from './segments.js';

const spec = parseSweepSpec({
  name: 'hash pin',
  dataset: 'breastmnist',
  architectures: ['vgg16', 'hog-linear-svm'],
  model: { inputSize: 32, widthMultiplier: 0.25, widthOverrides: { vgg16: 0.5 } },
  arms: ['scratch', 'pretrained:imagenet'],
  transfer: { mode: 'fine-tune-top', blocks: 2, lrMultiplier: 0.1 },
  search: {
    strategy: 'grid',
    space: {
      lr: { type: 'choice', values: [0.01] },
      batchSize: { type: 'choice', values: [32] },
      optimizer: { type: 'choice', values: ['sgd'] },
    },
  },
  seeds: [3],
  budget: { maxTrials: 4, maxEpochs: 6 },
  training: { schedule: { kind: 'step', milestones: [3] }, classWeights: 'balanced', patience: 2 },
  earlyStopping: { kind: 'asha', metric: 'val_acc' },
  evaluation: { operatingPoint: { targetSensitivity: 0.9 } },
} satisfies SweepSpecInput);

const plan = (arm: string): TrialPlan => ({
  index: 0,
  architecture: 'vgg16',
  arm,
  params: { lr: 0.01, batchSize: 32, optimizer: 'sgd' },
  seed: 3,
  configIndex: 0,
});

describe('segment ends', () => {
  const trial = { trialKey: 's:0', rungs: [1, 3, 6, 9], spec: { budget: { maxEpochs: 6 } } };

  it('end at the rungs below the budget, then at the budget', () => {
    expect(segmentEnds(trial)).toEqual([1, 3, 6]);
    expect(segmentEnds({ ...trial, rungs: [] })).toEqual([6]);
    expect(segmentIndexOf(trial, 3)).toBe(1);
    expect(segmentIndexOf(trial, 6)).toBe(2);
  });

  it('refuses an epoch that ends no segment, naming those that do', () => {
    expect(() => segmentIndexOf(trial, 2)).toThrow(SegmentRangeError);
    expect(() => segmentIndexOf(trial, 2)).toThrow(
      'trial s:0: untilEpoch 2 is not a segment end; expected one of 1, 3, 6',
    );
  });
});

describe('resolved trial config', () => {
  it('hashes as the train worker has always hashed it (pinned: stored configHashes must not move)', () => {
    expect(trialConfigHash({ plan: plan('pretrained:imagenet'), spec })).toBe(
      '4f1ab43d618ee44fd60ca54f9b3acdbdd4e3c79b21d5147c61eeb76aee107049',
    );
    expect(trialConfigHash({ plan: plan('scratch'), spec })).toBe(
      '2c9a38ad4d147351617db211b59492cce935241baf8b81948033ce76f066c5db',
    );
  });

  it('carries evaluation.positiveClass only when the spec names one, so older configs keep their hashes', () => {
    expect(resolvedTrialConfig({ plan: plan('scratch'), spec }).evaluation).toEqual({
      operatingPoint: { targetSensitivity: 0.9 },
    });
    const clinical = parseSweepSpec({
      ...(spec as unknown as SweepSpecInput),
      evaluation: { operatingPoint: { targetSensitivity: 0.9 }, positiveClass: 'clinical' },
    });
    const config = resolvedTrialConfig({ plan: plan('scratch'), spec: clinical });
    expect(config.evaluation).toEqual({
      operatingPoint: { targetSensitivity: 0.9 },
      positiveClass: 'clinical',
    });
    expect(parseResolvedTrialConfig(config, 'trial t').evaluation.positiveClass).toBe('clinical');
    expect(trialConfigHash({ plan: plan('scratch'), spec: clinical })).not.toBe(
      trialConfigHash({ plan: plan('scratch'), spec }),
    );
  });

  it('reads back exactly what it writes: the schema adds and drops nothing', () => {
    for (const arm of ['scratch', 'pretrained:imagenet']) {
      const stored = JSON.parse(JSON.stringify(resolvedTrialConfig({ plan: plan(arm), spec }))) as unknown;
      expect(parseResolvedTrialConfig(stored, 'trial t')).toEqual(stored);
    }
  });

  it('names the stored field that does not fit', () => {
    const stored = resolvedTrialConfig({ plan: plan('scratch'), spec });
    const problem = (config: unknown) => {
      try {
        parseResolvedTrialConfig(config, 'trial t');
      } catch (error) {
        expect(error).toBeInstanceOf(TrialConfigError);
        return error as TrialConfigError;
      }
      throw new Error('parsed');
    };
    const { model: _model, ...withoutModel } = stored;
    expect(problem(withoutModel)).toMatchObject({ source: 'trial t', field: 'model', received: undefined });
    const badBatch = problem({ ...stored, params: { batchSize: '32' } });
    expect(badBatch).toMatchObject({ field: 'params.batchSize', received: '32' });
    expect(badBatch.message).toMatch(/^trial t: config field params\.batchSize is "32": /);
    expect(problem({ ...stored, params: { batchSize: 0 } }).field).toBe('params.batchSize');
  });
});
