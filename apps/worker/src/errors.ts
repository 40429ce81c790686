// One class per way a trial's input is unusable before any training starts, or a worker process cannot
// start. Messages say what was wrong, where, and what is accepted.
import type { PermanenceMark } from '@medsweep/core';

/**
 * Base class of every error this app throws on purpose, so callers can catch them as one family. All are
 * permanent: a retry would meet the same input, so the train activity fails the trial at once with their
 * message (see activity-failure.ts).
 */
export abstract class WorkerError extends Error implements PermanenceMark {
  readonly permanent = true;

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

// ---- start-up: what a worker process was asked to be ----

/** Thrown at start-up when the command line names queues or values a worker cannot serve. */
export class WorkerArgsError extends WorkerError {
  constructor(
    readonly option: string,
    readonly received: unknown,
    readonly accepted: string,
  ) {
    super(`${option} ${JSON.stringify(received)}: ${accepted}`);
  }
}

/** Thrown at start-up when `--accelerator gpu` is asked of a host where nvidia-smi lists no usable GPU. */
export class AcceleratorUnavailableError extends WorkerError {
  constructor(readonly visibleDevices: string | undefined) {
    super(
      `--accelerator gpu, but nvidia-smi lists no GPU this process may use` +
        (visibleDevices === undefined ? '' : ` (CUDA_VISIBLE_DEVICES=${JSON.stringify(visibleDevices)})`) +
        '; install the NVIDIA driver, give the container the GPU, or use --accelerator cpu',
    );
  }
}

/** Thrown at start-up when a worker would poll a queue reserved for the other accelerator. */
export class QueueAcceleratorMismatchError extends WorkerError {
  constructor(
    readonly queue: string,
    readonly queueAccelerator: 'cpu' | 'gpu',
    readonly workerAccelerator: 'cpu' | 'gpu',
  ) {
    super(
      `queue ${queue} is served by ${queueAccelerator.toUpperCase()} workers only, but this worker trains on ${workerAccelerator.toUpperCase()}; ` +
        `poll train or a queue not ending in -${queueAccelerator}, or run it with --accelerator ${queueAccelerator}`,
    );
  }
}

/** Thrown at start-up when a GPU worker's TensorFlow backend does not run on the GPU. */
export class GpuBackendUnavailableError extends WorkerError {
  constructor(
    readonly backend: string,
    /** Why each backend package was or was not used (selectBackend's attempts). */
    readonly attempts: string,
  ) {
    super(
      `this is a GPU worker, but TensorFlow runs on the CPU (${backend}); backends tried: ${attempts}; ` +
        'build the GPU addon with `bash infra/native-tf-gpu.sh`, or start it with --accelerator cpu',
    );
  }
}

// ---- shutdown ----

/**
 * Thrown by a train activity whose worker is stopping: the segment stopped at its last checkpoint (or
 * before training) and is handed back, so Temporal retries it at once on another worker, which resumes
 * from that checkpoint. Retryable on purpose, so it is not a WorkerError.
 */
export class TrialHandedBackError extends Error implements PermanenceMark {
  readonly permanent = false;

  constructor(
    readonly trialKey: string,
    /** Epochs complete in the checkpoint the next attempt resumes from (0: from the start). */
    readonly checkpointEpoch: number,
    readonly identity: string,
  ) {
    super(
      `trial ${trialKey}: worker ${identity} is shutting down; handed back with ${checkpointEpoch} epoch(s) checkpointed, to resume on another worker`,
    );
    this.name = 'TrialHandedBackError';
  }
}

/** Thrown when subgroups are asked of a dataset stored without per-sample records (no attributes to split by). */
export class MissingSamplesTableError extends WorkerError {
  constructor(
    readonly datasetId: string,
    readonly attribute: string,
  ) {
    super(
      `dataset ${datasetId} has no samples table, so no attribute ${attribute}; import it again with per-sample records (a manifest with attribute columns) to evaluate subgroups`,
    );
  }
}
