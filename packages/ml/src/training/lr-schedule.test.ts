import { describe, expect, it } from 'vitest';
import { TrainConfigError } from '../errors.js';
import type { LrSchedule } from './lr-schedule.js';
import { learningRateAt, validateSchedule } from './lr-schedule.js';

const at = (schedule: LrSchedule, epoch: number, batch = 0, epochs = 100, batchesPerEpoch = 10) =>
  learningRateAt(schedule, 0.1, { epoch, batch, batchesPerEpoch, epochs });

describe('learningRateAt', () => {
  it('constant', () => {
    expect([0, 50, 99].map((e) => at({ kind: 'constant' }, e, 9))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step decay: x gamma from each milestone epoch on (the MedMNIST protocol)', () => {
    const medmnist: LrSchedule = { kind: 'step', milestones: [50, 75], gamma: 0.1 };
    expect(at(medmnist, 0)).toBe(0.1);
    expect(at(medmnist, 49, 9)).toBe(0.1);
    expect(at(medmnist, 50)).toBeCloseTo(0.01, 12);
    expect(at(medmnist, 74, 9)).toBeCloseTo(0.01, 12);
    expect(at(medmnist, 75)).toBeCloseTo(0.001, 12);
  });

  it('cosine: base at the start, half-way at mid-run, per batch', () => {
    const cosine: LrSchedule = { kind: 'cosine', minLearningRate: 0.001 };
    expect(at(cosine, 0)).toBeCloseTo(0.1, 12);
    expect(at(cosine, 50)).toBeCloseTo((0.1 + 0.001) / 2, 12);
    expect(at(cosine, 25)).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos(Math.PI / 4))) / 2, 12);
    expect(at(cosine, 99, 9)).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos(Math.PI * 0.999))) / 2, 12);
    expect(at(cosine, 10, 5)).toBeLessThan(at(cosine, 10, 4));
  });

  it('SGDR: restarts at the base rate after each period, periods growing by the multiplier', () => {
    const sgdr: LrSchedule = { kind: 'sgdr', firstPeriodEpochs: 2, periodMultiplier: 2 };
    // Periods: [0, 2), [2, 6), [6, 14).
    expect([0, 2, 6, 14].map((e) => at(sgdr, e))).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(at(sgdr, 1)).toBeCloseTo(0.05, 12);
    expect(at(sgdr, 4)).toBeCloseTo(0.05, 12);
    expect(at(sgdr, 10)).toBeCloseTo(0.05, 12);
    expect(at(sgdr, 5, 9)).toBeLessThan(0.001);
    const fixed: LrSchedule = { kind: 'sgdr', firstPeriodEpochs: 3 };
    expect(at(fixed, 3)).toBe(0.1);
    expect(at(fixed, 4, 5)).toBeCloseTo(0.05, 12);
  });
});

describe('validateSchedule', () => {
  it.each([
    [{ kind: 'step', milestones: [0], gamma: 0.1 }],
    [{ kind: 'step', milestones: [10], gamma: 0 }],
    [{ kind: 'sgdr', firstPeriodEpochs: 0 }],
    [{ kind: 'sgdr', firstPeriodEpochs: 1, periodMultiplier: 0.5 }],
    [{ kind: 'cosine', minLearningRate: 1 }],
    [{ kind: 'linear' }],
  ] as [LrSchedule][])('rejects %j', (schedule) => {
    expect(() => validateSchedule(schedule, 0.1)).toThrow(TrainConfigError);
  });
});
