// Which failures of a train activity are permanent. Temporal retries an activity with backoff unless it
// throws a non-retryable ApplicationFailure; bad data, bad config and bad weights would fail the same way
// on every attempt and every worker, so those fail the trial at once with their own message. Everything
// else (S3 or Postgres blips, a lost worker) is left to the retry policy.
import { ApplicationFailure } from '@temporalio/activity';
import { CoreError } from '@medsweep/core';
import {
  CheckpointFormatError,
  CheckpointMismatchError,
  DatasetManifestError,
  DatasetShapeError,
  EmptySplitError,
  ImageFolderLayoutError,
  InvalidArchitectureArgsError,
  InvalidTransferModeError,
  LabelOutOfRangeError,
  NpyFormatError,
  NpzMissingArraysError,
  PreprocessingConfigError,
  TrainConfigError,
  TrainingDivergedError,
  UnknownArchitectureError,
  UnreadableImageError,
  UnseedableModelError,
  UnsupportedHyperparameterError,
  WeightsCountMismatchError,
  WeightsFileCorruptError,
  WeightsFileNotHdf5Error,
  WeightsFileTruncatedError,
  WeightsLayerMissingError,
  WeightsShapeMismatchError,
} from '@medsweep/ml';
import {
  ArtifactConflictError,
  AttemptConflictError,
  InvalidRecordError,
  LineageMismatchError,
  ResultAlreadyRecordedError,
  TrialConflictError,
  TrialNotFoundError,
} from '@medsweep/db';
import { ObjectIntegrityError, ObjectNotFoundError } from '@medsweep/storage';
import { WorkerError } from './errors.js';

/** Errors that a retry cannot fix, by package. */
const PERMANENT: readonly (abstract new (...args: never[]) => Error)[] = [
  // This app: a trial input that cannot be used (errors.ts).
  WorkerError,
  // Metrics and sweep-spec validation: deterministic functions of the data and the spec.
  CoreError,
  // Data: a stored dataset that does not parse or does not fit its manifest.
  NpyFormatError,
  NpzMissingArraysError,
  DatasetShapeError,
  LabelOutOfRangeError,
  EmptySplitError,
  UnreadableImageError,
  ImageFolderLayoutError,
  DatasetManifestError,
  // Model and training configuration.
  PreprocessingConfigError,
  InvalidArchitectureArgsError,
  UnknownArchitectureError,
  InvalidTransferModeError,
  TrainConfigError,
  UnseedableModelError,
  UnsupportedHyperparameterError,
  // A seeded run diverges the same way every time.
  TrainingDivergedError,
  // A checkpoint of a different configuration, or one that does not decode.
  CheckpointMismatchError,
  CheckpointFormatError,
  // Weights that do not fit the model or are not a weights file.
  WeightsFileNotHdf5Error,
  WeightsFileTruncatedError,
  WeightsFileCorruptError,
  WeightsLayerMissingError,
  WeightsCountMismatchError,
  WeightsShapeMismatchError,
  // Objects that are missing or whose bytes differ from the hash they are referenced by.
  ObjectNotFoundError,
  ObjectIntegrityError,
  // Results-store writes that contradict what is recorded: retrying would write the same contradiction.
  InvalidRecordError,
  TrialNotFoundError,
  TrialConflictError,
  AttemptConflictError,
  ResultAlreadyRecordedError,
  LineageMismatchError,
  ArtifactConflictError,
];

/** Wraps every function of an activity object so permanent errors fail at once instead of retrying. */
export function failingFast<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw toActivityFailure(error);
        }
      },
    ]),
  ) as T;
}

/** Whether `error` would recur on every retry. */
export function isPermanent(error: unknown): error is Error {
  return PERMANENT.some((type) => error instanceof type);
}

/**
 * What the activity should throw for `error`: a non-retryable ApplicationFailure (type = the error's
 * class name, message and cause kept) for a permanent error, the error itself otherwise.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!isPermanent(error)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.name,
    nonRetryable: true,
    cause: error,
  });
}
