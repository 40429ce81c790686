import { describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  GradCamConfigError,
  MlError,
  NativeBackendUnavailableError,
  NpyFormatError,
  TrainingDivergedError,
  WeightsFileUnreadableError,
  WeightsShapeMismatchError,
} from './errors.js';

const cause = { cause: new Error('underlying') };

describe('MlError', () => {
  it.each([
    [new NpyFormatError('a.npz:x.npy', 'bad magic'), true],
    [new TrainingDivergedError(0, 3, NaN, 10), true],
    [new WeightsShapeMismatchError('w.h5', 'block1_conv1', 'kernel', [3, 3, 3, 64], [3, 3, 1, 64]), true],
    [new GradCamConfigError('classIndex', 5, 'a class index in [0, 2)'), true],
    [new NativeBackendUnavailableError([], cause), false],
    [new BlobNotFoundError('blob', '/cache'), false],
    [new WeightsFileUnreadableError('w.h5', cause), false],
  ])('%s: permanent is %s', (error, permanent) => {
    expect(error).toBeInstanceOf(MlError);
    expect(error.permanent).toBe(permanent);
  });

  it('names each error after its class', () => {
    expect(new TrainingDivergedError(0, 3, NaN, 10).name).toBe('TrainingDivergedError');
    expect(new BlobNotFoundError('blob', '/cache').name).toBe('BlobNotFoundError');
  });
});
