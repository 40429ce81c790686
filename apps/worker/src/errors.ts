// One class per way a trial's input is unusable before any training starts. They are permanent: a
// retry would meet the same input, so the train activity fails the trial at once with their message
// (see activity-failure.ts). Messages say what was wrong, where, and what is accepted.

/** Base class of every error this app throws on purpose, so callers can catch them as one family. */
export abstract class WorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Thrown when a trial's DatasetRef cannot be the dataset it claims: its manifest URI is outside the
 * worker's bucket or not named by the manifest hash, or the manifest disagrees with the reference.
 */
export class DatasetRefMismatchError extends WorkerError {
  constructor(
    readonly datasetId: string,
    /** The reference's field that is wrong, e.g. `manifestUri`, `numClasses`. */
    readonly field: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(`dataset ${datasetId}: ${field} is ${JSON.stringify(received)}; expected ${expected}`);
  }
}

/** Thrown when a pretrained arm reaches a worker without the weights it names. */
export class MissingWeightsError extends WorkerError {
  constructor(
    readonly trialKey: string,
    readonly arm: string,
    readonly architecture: string,
  ) {
    super(
      `trial ${trialKey}: arm ${arm} needs initial weights for ${architecture}, but the trial carries none; register a weights source for ${architecture} under that name`,
    );
  }
}

/** Thrown when a weights reference is not a file this worker can load (Keras HDF5 in the bucket). */
export class UnsupportedWeightsError extends WorkerError {
  constructor(
    readonly uri: string,
    readonly problem: string,
    readonly accepted: string,
  ) {
    super(`weights ${uri}: ${problem}; accepted: ${accepted}`);
  }
}

/** Thrown when a trial sets a hyperparameter to a value the trainer cannot honour. */
export class UnsupportedHyperparameterError extends WorkerError {
  constructor(
    readonly trialKey: string,
    readonly parameter: string,
    readonly received: unknown,
    readonly accepted: string,
  ) {
    super(`trial ${trialKey}: params.${parameter} = ${JSON.stringify(received)}; accepted: ${accepted}`);
  }
}

/** Thrown when a segment is asked to train to an epoch that is not one of its trial's segment ends. */
export class SegmentRangeError extends WorkerError {
  constructor(
    readonly trialKey: string,
    readonly untilEpoch: number,
    /** The trial's segment ends: its rungs below budget.maxEpochs, then budget.maxEpochs. */
    readonly segmentEnds: readonly number[],
  ) {
    super(
      `trial ${trialKey}: untilEpoch ${untilEpoch} is not a segment end; expected one of ${segmentEnds.join(', ')} (the rungs below budget.maxEpochs, then budget.maxEpochs)`,
    );
  }
}
