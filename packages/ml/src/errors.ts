import type { BackendAttempt } from './backend.js';

const FIX_HINT =
  'fix: run `npm run setup` (or `bash infra/native-tf.sh`) to build or restore the native addon, then `npm run check:backend`';

function listAttempts(attempts: readonly BackendAttempt[]): string {
  return attempts.map((a) => `  - ${a.package}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`).join('\n');
}

/**
 * Thrown by selectBackend() when neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node loads
 * and the caller did not pass allowSlowBackend: true. Training on the pure-JS backend is 10-100x
 * slower, so silently falling back would only show up as a sweep that never finishes.
 */
export class NativeBackendUnavailableError extends Error {
  constructor(
    /** Every package tried, in order, with why it was not used. */
    readonly attempts: readonly BackendAttempt[],
    options: { cause: unknown },
  ) {
    super(
      `no native TensorFlow backend could be loaded:\n${listAttempts(attempts)}\n${FIX_HINT}\n` +
        'or pass allowSlowBackend: true to run on the slow pure-JS cpu backend',
      options,
    );
    this.name = 'NativeBackendUnavailableError';
  }
}

/**
 * Thrown by selectBackend() with allowSlowBackend: true when even the pure-JS cpu backend of
 * @tensorflow/tfjs cannot be loaded or initialised, i.e. the install itself is broken.
 */
export class NoBackendAvailableError extends Error {
  constructor(
    readonly attempts: readonly BackendAttempt[],
    options: { cause: unknown },
  ) {
    super(
      `no TensorFlow.js backend could be loaded, not even the pure-JS one:\n${listAttempts(attempts)}\n` +
        'fix: run `npm install` at the repo root, then `npm run setup`',
      options,
    );
    this.name = 'NoBackendAvailableError';
  }
}

/** One argument of an architecture builder that is out of range. */
export interface ArchitectureArgProblem {
  field: string;
  received: unknown;
  expected: string;
}

/**
 * Thrown by an architecture builder (vgg16(), resnet50(), ..., or ARCHITECTURES[name].build()) when
 * its arguments are out of range, before any layer is made. Lists every bad field, one per line.
 */
export class InvalidArchitectureArgsError extends Error {
  constructor(
    readonly architecture: string,
    readonly problems: readonly ArchitectureArgProblem[],
  ) {
    super(
      `invalid arguments for ${architecture}:\n` +
        problems
          .map((p) => `  ${p.field} = ${JSON.stringify(p.received)}: expected ${p.expected}`)
          .join('\n'),
    );
    this.name = 'InvalidArchitectureArgsError';
  }
}

/** Thrown by getArchitecture() for a name that is not one of ARCHITECTURES' keys. */
export class UnknownArchitectureError extends Error {
  constructor(
    readonly received: string,
    readonly known: readonly string[],
  ) {
    super(`unknown architecture ${JSON.stringify(received)}; known: ${known.join(', ')}`);
    this.name = 'UnknownArchitectureError';
  }
}

/**
 * Thrown by applyTransferMode() when the mode cannot apply to the model: a fine-tune block count
 * outside 1..(the architecture's number of blocks), or a model without the architecture's layers.
 */
export class InvalidTransferModeError extends Error {
  constructor(
    readonly architecture: string,
    readonly problem: string,
  ) {
    super(`transfer mode for ${architecture}: ${problem}`);
    this.name = 'InvalidTransferModeError';
  }
}

/** Thrown by loadKerasWeights() when the weights file cannot be read at all (missing, a directory, no access). */
export class WeightsFileUnreadableError extends Error {
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`weights file ${path} cannot be read: ${reason}`, options);
    this.name = 'WeightsFileUnreadableError';
  }
}

/**
 * Thrown by loadKerasWeights() when the file has no HDF5 signature, e.g. an HTML error page or a
 * TensorFlow.js/SavedModel export saved under an .h5 name.
 */
export class WeightsFileNotHdf5Error extends Error {
  constructor(
    readonly path: string,
    /** The first bytes of the file, hex-encoded, to tell what it is instead. */
    readonly leadingBytes: string,
  ) {
    const start = leadingBytes ? `it starts with 0x${leadingBytes}` : 'it is empty';
    super(
      `weights file ${path} is not an HDF5 file (${start}, not the HDF5 signature 0x894844460d0a1a0a); ` +
        'expected Keras .h5 weights such as *_weights_tf_dim_ordering_tf_kernels_notop.h5',
    );
    this.name = 'WeightsFileNotHdf5Error';
  }
}

/** Thrown by loadKerasWeights() when the file is shorter than its HDF5 superblock says: an interrupted download or copy. */
export class WeightsFileTruncatedError extends Error {
  constructor(
    readonly path: string,
    readonly actualBytes: number,
    readonly expectedBytes: number,
    options?: { cause?: unknown },
  ) {
    super(
      `weights file ${path} is truncated: it has ${actualBytes} bytes, its HDF5 header says ${expectedBytes}; ` +
        'download or copy it again',
      options,
    );
    this.name = 'WeightsFileTruncatedError';
  }
}

/**
 * Thrown by loadKerasWeights() when an HDF5 file is damaged or not laid out as Keras weights: the
 * HDF5 library cannot open or read it, it has neither a `layer_names` attribute (Keras .h5) nor a
 * `layers` group (Keras 3 .weights.h5), or a weight it lists is absent or not numeric.
 */
export class WeightsFileCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    /** The layer being read when it failed, if any. */
    readonly layer?: string,
    options?: { cause?: unknown },
  ) {
    super(`weights file ${path}${layer ? `, layer ${layer}` : ''}: ${problem}`, options);
    this.name = 'WeightsFileCorruptError';
  }
}

/**
 * Thrown by loadKerasWeights() when a layer of the model that has weights is not in the file and was
 * not declared optional (a new classifier head is, through `optionalLayers`).
 */
export class WeightsLayerMissingError extends Error {
  constructor(
    readonly path: string,
    readonly layer: string,
    /** Layers with weights that the file does hold. */
    readonly fileLayers: readonly string[],
  ) {
    const shown =
      fileLayers.slice(0, 8).join(', ') + (fileLayers.length > 8 ? `, ... (${fileLayers.length})` : '');
    super(
      `weights file ${path} has no weights for layer ${layer} of the model; the file holds ${shown || 'no layers'}. ` +
        'Is it the file for this architecture? Layers that may be missing (a new head) go in optionalLayers',
    );
    this.name = 'WeightsLayerMissingError';
  }
}

/** Thrown by loadKerasWeights() when a layer in the file holds a different number of weights than the model's. */
export class WeightsCountMismatchError extends Error {
  constructor(
    readonly path: string,
    readonly layer: string,
    readonly expected: number,
    readonly found: number,
  ) {
    super(
      `weights file ${path}: layer ${layer} has ${expected} weight(s) in the model but ${found} in the file`,
    );
    this.name = 'WeightsCountMismatchError';
  }
}

/**
 * Thrown by loadKerasWeights() when a weight in the file has another shape than the model's, e.g. a
 * file for another width multiplier, input channel count (beyond grey from RGB) or class count.
 */
export class WeightsShapeMismatchError extends Error {
  constructor(
    readonly path: string,
    readonly layer: string,
    /** The model's name for the weight, e.g. "kernel". */
    readonly weight: string,
    readonly expected: readonly number[],
    readonly found: readonly number[],
  ) {
    super(
      `weights file ${path}: layer ${layer}, weight ${weight} has shape [${expected.join(', ')}] in the model ` +
        `but [${found.join(', ')}] in the file`,
    );
    this.name = 'WeightsShapeMismatchError';
  }
}
