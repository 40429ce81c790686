import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import * as core from '@medsweep/core';
import * as db from '@medsweep/db';
import * as ml from '@medsweep/ml';
import * as storage from '@medsweep/storage';
import * as worker from './errors.js';
import { isPermanent, toActivityFailure } from './activity-failure.js';

const cause = { cause: new Error('underlying') };
const hash = 'a'.repeat(64);

// Every class of the hand list this classifier replaced (the abstract CoreError and WorkerError through
// each of their classes), with the answer that list gave: permanent.
const PERMANENT_BEFORE: readonly Error[] = [
  new worker.DatasetRefMismatchError('ds', 'numClasses', 3, '2'),
  new worker.MissingWeightsError('t0', 'pretrained:imagenet', 'resnet50'),
  new worker.UnsupportedWeightsError('s3://b/w.json', 'not HDF5', 'Keras .h5'),
  new core.SegmentRangeError('t0', 3, [2, 4]),
  new worker.WorkerArgsError('--queue', 'x', 'train or control'),
  new worker.AcceleratorUnavailableError(undefined),
  new worker.QueueAcceleratorMismatchError('train-gpu', 'gpu', 'cpu'),
  new worker.GpuBackendUnavailableError('cpu', 'tfjs-node-gpu: not installed'),
  new core.EmptyInputError('auc', 'yScore'),
  new core.LengthMismatchError('auc', 'yTrue', 3, 2, 'one label per score row'),
  new core.ScoreShapeError('auc', 'yScore', 'has 3 columns', '1 or 2 columns'),
  new core.LabelOutOfRangeError('auc', 0, 2, '0 or 1'),
  new core.NonFiniteValueError('mean', 'values', 0, NaN, 'index 0'),
  new core.ProbabilityOutOfRangeError('ece', 0, 0, 1.5),
  new core.SingleClassError('auc', 'positive class 1', 0, 3),
  new core.UnknownTaskError('x', ['binary-class']),
  new core.UnsupportedTaskError('operatingPoint', 'multi-class', ['binary-class']),
  new core.InvalidOptionError('ece', 'bins', 0, 'an integer >= 1'),
  new core.TooFewValuesError('std', 'values', 2, 1),
  new core.DegenerateStatisticError('delong', 'zero variance', 'use the bootstrap'),
  new core.SweepSpecError('spec.yaml', [{ path: 'budget', message: 'required' }]),
  new core.NonCanonicalValueError('$.x', 'is NaN'),
  new core.InvalidLineageError('weightsOutHash', 'x', '64 lowercase hex digits'),
  new core.DifferentTestImagesError('delong', 'different counts'),
  new ml.NpyFormatError('a.npz:x.npy', 'bad magic'),
  new ml.NpzMissingArraysError('a.npz', ['test_labels'], ['train_images']),
  new ml.DatasetShapeError('a.npz', 'train_images', 'float32 (1, 2)', 'uint8 (N, H, W)'),
  new ml.LabelOutOfRangeError('a.npz', 'train', 0, 5, 2),
  new ml.EmptySplitError('a.npz', 'val'),
  new ml.UnreadableImageError('x.png', cause),
  new ml.ImageFolderLayoutError('/data', 'no class folders'),
  new ml.DatasetManifestError('ds', 'not JSON'),
  new ml.PreprocessingConfigError('normalization', 'caffe', "'unit' for 1 channel"),
  new ml.InvalidArchitectureArgsError('vgg16', [{ field: 'numClasses', received: 0, expected: '>= 1' }]),
  new ml.UnknownArchitectureError('vgg17', ['vgg16']),
  new ml.InvalidTransferModeError('vgg16', 'fine-tune 9 blocks of 5'),
  new ml.TrainConfigError('batchSize', 0, 'an integer >= 1'),
  new ml.UnseedableModelError('noise', 'GaussianNoise draws from Math.random'),
  new ml.UnsupportedHyperparameterError('t0', 'optimizer', 'rmsprop', 'adam or sgd'),
  new ml.TrainingDivergedError(0, 3, NaN, 10),
  new ml.CheckpointMismatchError([{ setting: 'seed', checkpoint: 1, current: 2 }]),
  new ml.CheckpointFormatError('ckpt', 'truncated'),
  new ml.WeightsFileNotHdf5Error('w.h5', '3c68746d'),
  new ml.WeightsFileTruncatedError('w.h5', 10, 20),
  new ml.WeightsFileCorruptError('w.h5', 'no layer_names'),
  new ml.WeightsLayerMissingError('w.h5', 'block1_conv1', []),
  new ml.WeightsCountMismatchError('w.h5', 'block1_conv1', 2, 1),
  new ml.WeightsShapeMismatchError('w.h5', 'block1_conv1', 'kernel', [3, 3, 3, 64], [3, 3, 1, 64]),
  new storage.ObjectNotFoundError('bucket', 'key', cause),
  new storage.ObjectIntegrityError('key', hash, 'b'.repeat(64)),
  new db.InvalidRecordError('ingestEpochMetrics', 'rows[0].epoch', -1, 'an integer >= 0'),
  new db.TrialNotFoundError('recordFinalResult', ['t0']),
  new db.TrialConflictError('s0', 't0', 'configHash', 'x', 'y'),
  new db.AttemptConflictError('t0', 1, 'workerId', 'w1', 'w2'),
  new db.ResultAlreadyRecordedError('t0', hash, 'b'.repeat(64)),
  new db.LineageMismatchError('t0', 'configHash', 'x', 'y', 'trials.config_hash'),
  new db.ArtifactConflictError('s3://b/k', 'sha256', hash, 'b'.repeat(64)),
];

// Errors the list did not name, so retried before; each still says it is retryable.
const RETRYABLE: readonly Error[] = [
  new worker.TrialHandedBackError('t0', 2, 'worker-1'),
  new db.InvalidDatabaseUrlError('postgres://u:***@h/db', 'no port'),
  new db.DatabaseUnreachableError('localhost', 55432, 'ECONNREFUSED', cause),
  new db.DatabaseAuthError('u', 'localhost', 55432, 'db', '28P01'),
  new db.MigrationLockTimeoutError('db', 1, 1000),
  new db.MigrationChecksumMismatchError('0001_init', 'db', hash, 'b'.repeat(64)),
  new db.FailedMigrationError('0001_init', 'db', new Date(0), null),
  new db.LineageNotRecordedError('t0', 'running'),
  new db.MissingPredictionsError('t0', 'running'),
  new storage.S3UnreachableError('http://localhost:9000', cause),
  new storage.S3AccessDeniedError('http://localhost:9000', 'key', 'bucket', cause),
  new ml.NativeBackendUnavailableError([], cause),
  new ml.NoBackendAvailableError([], cause),
  new ml.BlobNotFoundError('blob', '/cache'),
  new ml.BlobIntegrityError('blob', '/cache', hash, 'b'.repeat(64)),
  new ml.ImageDecoderUnavailableError('cpu'),
  new ml.WeightsFileUnreadableError('w.h5', cause),
  new ml.PngEncoderUnavailableError('cpu'),
  new Error('socket hang up'),
  new TypeError('fetch failed'),
];

// Not in the list, so retried before; their doc comments say why a retry cannot help.
const PERMANENT_NOW: readonly Error[] = [
  new core.PredictionsDocumentError('s3://b/p.json', 'not UTF-8 JSON'),
  new ml.TrainedWeightsInputMissingError('w.h5'),
  new ml.GradCamConfigError('classIndex', 5, 'a class index in [0, 2)'),
  new db.AttemptNotFoundError('t0', 1),
  new db.DifferentDatasetsError('t0', 'd0', 't1', 'd1'),
];

describe('isPermanent', () => {
  it.each(PERMANENT_BEFORE.map((error) => [error.name, error]))(
    '%s is permanent, as the class list said',
    (_name, error) => {
      expect(isPermanent(error)).toBe(true);
    },
  );

  it.each(RETRYABLE.map((error) => [error.name, error]))('%s is retryable', (_name, error) => {
    expect(isPermanent(error)).toBe(false);
  });

  it.each(PERMANENT_NOW.map((error) => [error.name, error]))('%s is permanent', (_name, error) => {
    expect(isPermanent(error)).toBe(true);
  });

  it('needs an Error that says permanent: true', () => {
    expect(isPermanent({ permanent: true, name: 'X', message: 'x' })).toBe(false);
    expect(isPermanent(Object.assign(new Error('x'), { permanent: 'yes' }))).toBe(false);
    expect(isPermanent(Object.assign(new Error('x'), { permanent: true }))).toBe(true);
    expect(isPermanent(undefined)).toBe(false);
  });
});

describe('toActivityFailure', () => {
  it('turns a permanent error into a non-retryable failure of its class name, message and cause', () => {
    const error = new ml.TrainingDivergedError(0, 3, NaN, 10);
    const failure = toActivityFailure(error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'TrainingDivergedError',
      message: error.message,
      nonRetryable: true,
      cause: error,
    });
  });

  it('passes a retryable error through unchanged', () => {
    const error = new db.DatabaseUnreachableError('localhost', 55432, 'ECONNREFUSED');
    expect(toActivityFailure(error)).toBe(error);
  });
});
