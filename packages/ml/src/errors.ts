// One class per way the TensorFlow.js layer fails. Messages say what was wrong, where (file, array, layer,
// setting) and what is accepted; fields carry the same facts for code that reacts to them.
import type { PermanenceMark } from '@medsweep/core';
import type { BackendAttempt } from './backend-attempts.js';

// The stored-record errors belong to the formats in @medsweep/core/records; ml's importers and readers throw
// them too, so callers keep catching them from here.
export { DatasetManifestError, EmptySplitError } from '@medsweep/core';

/**
 * Base class of every error this package throws on purpose, so callers can catch them as one family.
 * Permanent unless a class says otherwise: most are about a dataset, a model, weights or a setting, which
 * fail the same way on every retry and every worker. Those about this process's environment (its
 * TensorFlow backend, native codecs, local files) are retryable: another worker may have what it lacks.
 */
export abstract class MlError extends Error implements PermanenceMark {
  readonly permanent: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

const FIX_HINT =
  'fix: run `npm run setup` (or `bash infra/native-tf.sh`) to build or restore the native addon, then `npm run check:backend`';

function listAttempts(attempts: readonly BackendAttempt[]): string {
  return attempts.map((a) => `  - ${a.package}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`).join('\n');
}

/**
 * Thrown by selectBackend() when neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node loads
 * and the caller did not pass allowSlowBackend: true. Training on the pure-JS backend is 10-100x
 * slower, so silently falling back would only show up as a sweep that never finishes.
 * Retryable: another worker may have the native addon.
 */
export class NativeBackendUnavailableError extends MlError {
  override readonly permanent = false;

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
  }
}

/**
 * Thrown by selectBackend() with allowSlowBackend: true when even the pure-JS cpu backend of
 * @tensorflow/tfjs cannot be loaded or initialised, i.e. the install itself is broken.
 * Retryable: another worker's install may be whole.
 */
export class NoBackendAvailableError extends MlError {
  override readonly permanent = false;

  constructor(
    readonly attempts: readonly BackendAttempt[],
    options: { cause: unknown },
  ) {
    super(
      `no TensorFlow.js backend could be loaded, not even the pure-JS one:\n${listAttempts(attempts)}\n` +
        'fix: run `npm install` at the repo root, then `npm run setup`',
      options,
    );
  }
}

// ---- data pipeline (src/data) ----

/**
 * Thrown when NumPy data cannot be parsed: an .npz that is not a zip, or a .npy array with bad
 * magic, an unreadable header, an unsupported dtype, Fortran order, or fewer bytes than its shape.
 */
export class NpyFormatError extends MlError {
  constructor(
    /** The file (and, inside an .npz, the array) that was read, e.g. "breastmnist.npz:train_images.npy". */
    readonly file: string,
    /** What was wrong with it. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: unreadable NumPy data: ${problem}`, options);
  }
}

/**
 * Thrown by the MedMNIST importer when an .npz lacks one of the arrays a MedMNIST file has
 * (train/val/test × images/labels), or when the file is not a zip at all.
 */
export class NpzMissingArraysError extends MlError {
  constructor(
    readonly file: string,
    /** Expected arrays that are absent, without the .npy suffix. */
    readonly missing: readonly string[],
    /** Arrays the file does contain. */
    readonly found: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `${file}: missing array(s) ${missing.join(', ')}; found ${found.length ? found.join(', ') : 'none'}; ` +
        'a MedMNIST .npz holds train_images, train_labels, val_images, val_labels, test_images, test_labels',
      options,
    );
  }
}

/**
 * Thrown when a dataset array has the wrong shape or dtype for an image dataset: images must be
 * uint8 (N, H, W) or (N, H, W, 1|3), labels (N) or (N, 1) integers with the same N.
 */
export class DatasetShapeError extends MlError {
  constructor(
    readonly file: string,
    readonly array: string,
    /** What the array holds, e.g. "float32 (546, 28, 28)". */
    readonly received: string,
    /** What is accepted. */
    readonly expected: string,
  ) {
    super(`${file}: ${array} is ${received}; expected ${expected}`);
  }
}

/** Thrown when a label is not a class index in [0, numClasses). Names the first offending sample. */
export class LabelOutOfRangeError extends MlError {
  constructor(
    readonly file: string,
    readonly split: string,
    /** Position of the first offending sample in its split. */
    readonly index: number,
    readonly label: number,
    readonly numClasses: number,
  ) {
    super(
      `${file}: ${split} label ${label} at sample ${index} is out of range; ` +
        `labels must be class indices 0..${numClasses - 1} for ${numClasses} classes`,
    );
  }
}

/**
 * Thrown by the image-folder and manifest importers when an image file cannot be read or decoded as
 * PNG, JPEG, BMP or GIF (DICOM files have their own errors, see decodeDicom).
 */
export class UnreadableImageError extends MlError {
  /** The manifest row that names the file, for manifest imports. */
  readonly row: number | undefined;

  constructor(
    readonly file: string,
    options: {
      cause: unknown;
      /** The manifest row (1-based, header excluded) that names the file, for manifest imports. */
      row?: number;
    },
  ) {
    const reason =
      options.cause instanceof Error ? options.cause.message.split('\n')[0] : String(options.cause);
    super(
      `${file}${options.row === undefined ? '' : ` (manifest row ${options.row})`}: cannot decode image (${reason}); ` +
        'accepted formats are PNG, JPEG, BMP and GIF, and DICOM (.dcm)',
      { cause: options.cause },
    );
    this.row = options.row;
  }
}

/**
 * Thrown by the manifest importer when the CSV / JSON Lines manifest itself is wrong: no `path` column,
 * no label column, a row that is not valid CSV or JSON, a label that is not a class name or index, a
 * split other than train/val/test, a split given on some rows only, or an image of another size.
 */
export class ImageManifestError extends MlError {
  constructor(
    readonly manifest: string,
    /** Data row, 1-based, header excluded; undefined for a problem of the whole manifest. */
    readonly row: number | undefined,
    readonly problem: string,
  ) {
    super(`${manifest}${row === undefined ? '' : `, row ${row}`}: ${problem}`);
  }
}

/** Thrown by the manifest importer when a row names an image file that does not exist. */
export class ManifestImageMissingError extends MlError {
  constructor(
    readonly manifest: string,
    readonly row: number,
    /** The path as the manifest gives it. */
    readonly path: string,
    /** Where it was looked for: the path resolved against the manifest's folder. */
    readonly resolved: string,
  ) {
    super(
      `${manifest}, row ${row}: image ${path} does not exist (looked for ${resolved}); paths are relative to the manifest's folder`,
    );
  }
}

/** Thrown by the manifest importer when two rows name the same image file: each image is one sample. */
export class DuplicateImagePathError extends MlError {
  constructor(
    readonly manifest: string,
    readonly firstRow: number,
    readonly row: number,
    readonly path: string,
  ) {
    super(
      `${manifest}, row ${row}: image ${path} is already listed in row ${firstRow}; list each image once`,
    );
  }
}

/**
 * Thrown by the image-folder importer when the folder is not laid out as root/<class>/<image> or
 * root/<split>/<class>/<image>, or when images differ in size and no common size was requested.
 */
export class ImageFolderLayoutError extends MlError {
  constructor(
    readonly root: string,
    readonly problem: string,
  ) {
    super(`${root}: ${problem}`);
  }
}

/**
 * Thrown by decodeDicom() when a file is not readable DICOM: no DICM prefix or meta header, a data set
 * the parser cannot walk (e.g. a truncated file), a required image attribute missing or malformed (an
 * IS/DS value that is not a number), or pixel data shorter than the attributes say.
 */
export class DicomFormatError extends MlError {
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: not a readable DICOM image: ${problem}`, options);
  }
}

/**
 * Thrown by decodeDicom() for pixel data encoded in a transfer syntax it cannot decode (JPEG, JPEG-LS,
 * JPEG 2000, HTJ2K, video): names the syntax so the file can be converted first (e.g. with dcmtk's
 * `dcmdjpeg` or gdcm's `gdcmconv --raw`).
 */
export class UnsupportedTransferSyntaxError extends MlError {
  constructor(
    readonly file: string,
    readonly transferSyntaxUid: string,
    readonly transferSyntaxName: string,
    /** The syntaxes that are decoded. */
    readonly accepted: readonly string[],
  ) {
    super(
      `${file}: pixel data in transfer syntax ${transferSyntaxUid} (${transferSyntaxName}) cannot be decoded; ` +
        `accepted: ${accepted.join(', ')}; convert the file to an uncompressed syntax first`,
    );
  }
}

/**
 * Thrown by decodeDicom() for a valid DICOM image of a kind a 2D classification dataset cannot hold as
 * decoded: several frames, 1-bit or 16-bit colour samples, a colour model other than MONOCHROME1/2 and
 * RGB, or a modality LUT sequence.
 */
export class UnsupportedDicomImageError extends MlError {
  constructor(
    readonly file: string,
    /** The attribute, e.g. "NumberOfFrames (0028,0008)". */
    readonly attribute: string,
    readonly received: string,
    readonly accepted: string,
  ) {
    super(`${file}: ${attribute} is ${received}; accepted: ${accepted}`);
  }
}

/**
 * Thrown by a BlobSource when the named blob does not exist.
 * Retryable: LocalDirectoryBlobStore, which throws it, reads one machine's directory, which a later fetch or
 * another worker may have filled (the S3-backed source throws storage's permanent ObjectNotFoundError).
 */
export class BlobNotFoundError extends MlError {
  override readonly permanent = false;

  constructor(
    readonly blobName: string,
    /** Where it was looked for, e.g. a directory or bucket. */
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(`blob ${blobName} not found in ${location}`, options);
  }
}

/**
 * Thrown by a BlobSource when a blob's bytes do not hash to the sha256 it was asked for.
 * Retryable: the bad bytes are one machine's copy, which a fresh fetch or another worker's copy replaces (the
 * S3-backed source throws storage's permanent ObjectIntegrityError).
 */
export class BlobIntegrityError extends MlError {
  override readonly permanent = false;

  constructor(
    readonly blobName: string,
    readonly location: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `blob ${blobName} in ${location} is corrupt: its sha256 is ${actualSha256}, expected ${expectedSha256}; ` +
        'delete it and import or fetch the dataset again',
    );
  }
}

/**
 * Thrown when a batch of class indices is asked of a split that holds several label bytes per sample
 * (multi-label data), whose samples have no single class; a multi-label batch is asked with
 * buildLabelBatch(..., { multiLabel: true }) (the trainer and evaluation do so for a multi-label task).
 */
export class MultiLabelBatchError extends MlError {
  constructor(
    readonly count: number,
    readonly labelBytes: number,
  ) {
    super(
      `the split holds ${labelBytes} label bytes for ${count} samples (${labelBytes / count} labels each, ` +
        'a multi-label dataset), so its samples have no class index; ask for a multi-label batch ' +
        '(0/1 per label) instead, as training and evaluation of a multi-label task do',
    );
  }
}

/**
 * Thrown when input preprocessing or augmentation settings cannot apply, e.g. a 'caffe' or 'torch'
 * normalisation for a 1-channel model, or a zoom range that is not positive.
 */
export class PreprocessingConfigError extends MlError {
  constructor(
    readonly setting: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(`preprocessing setting ${setting} = ${JSON.stringify(received)} is invalid: expected ${expected}`);
  }
}

/**
 * Thrown by the image-folder importer when the active tfjs backend has no native image decoder
 * (tf.node.decodeImage exists only in @tensorflow/tfjs-node and tfjs-node-gpu).
 * Retryable: another worker may run the native backend.
 */
export class ImageDecoderUnavailableError extends MlError {
  override readonly permanent = false;

  constructor(readonly backend: string) {
    super(
      `importing image files needs tf.node.decodeImage from the native tfjs-node backend, but the active backend is '${backend}'; ` +
        'fix: npm run setup, then npm run check:backend',
    );
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
export class InvalidArchitectureArgsError extends MlError {
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
  }
}

/** Thrown by getArchitecture() for a name that is not one of ARCHITECTURES' keys. */
export class UnknownArchitectureError extends MlError {
  constructor(
    readonly received: string,
    readonly known: readonly string[],
  ) {
    super(`unknown architecture ${JSON.stringify(received)}; known: ${known.join(', ')}`);
  }
}

/**
 * Thrown by applyTransferMode() when the mode cannot apply to the model: a fine-tune block count
 * outside 1..(the architecture's number of blocks), or a model without the architecture's layers.
 */
export class InvalidTransferModeError extends MlError {
  constructor(
    readonly architecture: string,
    readonly problem: string,
  ) {
    super(`transfer mode for ${architecture}: ${problem}`);
  }
}

/**
 * Thrown by loadKerasWeights() when the weights file cannot be read at all (missing, a directory, no access).
 * Retryable: a local file may be unreadable for reasons of this process (access, a copy under way) that
 * another attempt does not meet.
 */
export class WeightsFileUnreadableError extends MlError {
  override readonly permanent = false;

  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`weights file ${path} cannot be read: ${reason}`, options);
  }
}

/**
 * Thrown by loadKerasWeights() when the file has no HDF5 signature, e.g. an HTML error page or a
 * TensorFlow.js/SavedModel export saved under an .h5 name.
 */
export class WeightsFileNotHdf5Error extends MlError {
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
  }
}

/** Thrown by loadKerasWeights() when the file is shorter than its HDF5 superblock says: an interrupted download or copy. */
export class WeightsFileTruncatedError extends MlError {
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
  }
}

/**
 * Thrown by loadKerasWeights() when an HDF5 file is damaged or not laid out as Keras weights: the
 * HDF5 library cannot open or read it, it has neither a `layer_names` attribute (Keras .h5) nor a
 * `layers` group (Keras 3 .weights.h5), or a weight it lists is absent or not numeric.
 */
export class WeightsFileCorruptError extends MlError {
  constructor(
    readonly path: string,
    readonly problem: string,
    /** The layer being read when it failed, if any. */
    readonly layer?: string,
    options?: { cause?: unknown },
  ) {
    super(`weights file ${path}${layer ? `, layer ${layer}` : ''}: ${problem}`, options);
  }
}

/**
 * Thrown by loadKerasWeights() when a layer of the model that has weights is not in the file and was
 * not declared optional (a new classifier head is, through `optionalLayers`).
 */
export class WeightsLayerMissingError extends MlError {
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
  }
}

/** Thrown by loadKerasWeights() when a layer in the file holds a different number of weights than the model's. */
export class WeightsCountMismatchError extends MlError {
  constructor(
    readonly path: string,
    readonly layer: string,
    readonly expected: number,
    readonly found: number,
  ) {
    super(
      `weights file ${path}: layer ${layer} has ${expected} weight(s) in the model but ${found} in the file`,
    );
  }
}

/**
 * Thrown by loadKerasWeights() when a weight in the file has another shape than the model's, e.g. a
 * file for another width multiplier, input channel count (beyond grey from RGB) or class count.
 */
export class WeightsShapeMismatchError extends MlError {
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
  }
}

// ---- trainer (src/training) ----

/** Thrown by train() and its helpers when an argument is out of range or does not fit the model or data. */
export class TrainConfigError extends MlError {
  constructor(
    /** The argument, e.g. "batchSize" or "schedule.milestones". */
    readonly setting: string,
    readonly received: unknown,
    /** What is accepted. */
    readonly expected: string,
  ) {
    super(`train: ${setting} = ${JSON.stringify(received)} is invalid: expected ${expected}`);
  }
}

/**
 * Thrown when a model holds randomness tfjs gives no way to seed (GaussianNoise, GaussianDropout,
 * AlphaDropout draw from Math.random), or a weight whose initializer cannot be found to re-seed,
 * because a run with it could not be repeated or resumed exactly.
 */
export class UnseedableModelError extends MlError {
  constructor(
    readonly layer: string,
    readonly problem: string,
  ) {
    super(`layer ${layer}: ${problem}; seeded, resumable training needs every random draw seeded`);
  }
}

/**
 * Thrown when resuming from a checkpoint written by a run with different settings, data or model
 * shapes: continuing would silently mix two runs.
 */
export class CheckpointMismatchError extends MlError {
  constructor(readonly differences: readonly { setting: string; checkpoint: unknown; current: unknown }[]) {
    super(
      'the latest checkpoint belongs to a different run:\n' +
        differences
          .map(
            (d) =>
              `  ${d.setting}: checkpoint ${JSON.stringify(d.checkpoint)}, now ${JSON.stringify(d.current)}`,
          )
          .join('\n') +
        '\nuse an empty checkpoint store for a new run, or the original settings to resume',
    );
  }
}

/** Thrown when checkpoint bytes cannot be decoded: truncated, not a checkpoint, or an unknown version. */
export class CheckpointFormatError extends MlError {
  constructor(
    /** Where the bytes came from, e.g. a file path. */
    readonly location: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${location}: not a readable training checkpoint: ${problem}`, options);
  }
}

/** Thrown when the training loss becomes NaN or infinite; the learning rate is usually too high. */
export class TrainingDivergedError extends MlError {
  constructor(
    /** 0-based epoch and batch of the step whose loss was not finite. */
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
    readonly learningRate: number,
  ) {
    super(
      `training diverged: loss ${loss} at epoch ${epoch}, batch ${batch} (learning rate ${learningRate}); ` +
        'lower the learning rate or check the data normalisation',
    );
  }
}

// ---- evaluation (src/evaluation) ----

/**
 * Thrown by loadTrainedModel() when a weights file does not record the input its model was trained on
 * (trial outputs written by saveKerasWeights always do), so the model cannot be fed as it was trained.
 * Permanent: the stored file stays as it is.
 */
export class TrainedWeightsInputMissingError extends MlError {
  constructor(readonly path: string) {
    super(
      `weights ${path} record no input (the medsweep_input attribute): only the output weights of a ` +
        'trial, written by saveKerasWeights with its input, can be re-evaluated',
    );
  }
}

/**
 * Thrown by gradCam(), renderGradCamPng() and exportGradCams() when what they are asked to explain or
 * draw does not fit: a layer the model lacks or that is not a convolutional feature map, an image of
 * another shape than the model's input, a class index out of range, a heatmap of another size.
 * Permanent: the same model and arguments fail the same way.
 */
export class GradCamConfigError extends MlError {
  constructor(
    /** The argument, e.g. "layerName" or "classIndex". */
    readonly setting: string,
    readonly received: unknown,
    /** What is accepted. */
    readonly expected: string,
  ) {
    super(`grad-cam: ${setting} = ${JSON.stringify(received)} is invalid: expected ${expected}`);
  }
}

/**
 * Thrown by renderGradCamPng() when the active tfjs backend has no native PNG encoder
 * (tf.node.encodePng exists only in @tensorflow/tfjs-node and tfjs-node-gpu).
 * Retryable: another worker may run the native backend.
 */
export class PngEncoderUnavailableError extends MlError {
  override readonly permanent = false;

  constructor(readonly backend: string) {
    super(
      `writing a PNG needs tf.node.encodePng from the native tfjs-node backend, but the active backend is '${backend}'; ` +
        'fix: npm run setup, then npm run check:backend',
    );
  }
}

// ---- sweep trials (src/trial) ----

/**
 * Thrown by trialTrainingSettings() when a trial sets a hyperparameter to a value the trainer cannot
 * honour: a value of the wrong type, an optimizer other than adam or sgd, or a non-zero weight decay.
 */
export class UnsupportedHyperparameterError extends MlError {
  constructor(
    readonly trialKey: string,
    readonly parameter: string,
    readonly received: unknown,
    readonly accepted: string,
  ) {
    super(`trial ${trialKey}: params.${parameter} = ${JSON.stringify(received)}; accepted: ${accepted}`);
  }
}

// ---- robustness corruptions (src/evaluation/corruptions.ts) ----

/**
 * Thrown by the corruption functions when what they are asked to do does not fit: a parameter out of the
 * range medmnistc's code accepts (a pixelate factor that leaves no pixel, an even blur kernel, a JPEG
 * quality outside 1-100), a severity outside 1-5, a batch whose bytes do not match its shape, or the
 * random draw of a noise kind missing or of the wrong size.
 */
export class CorruptionConfigError extends MlError {
  constructor(
    /** The setting, e.g. "pixelate.factor", "severity", "gaussian_noise draw". */
    readonly setting: string,
    readonly received: unknown,
    /** What is accepted. */
    readonly expected: string,
  ) {
    super(`corruption setting ${setting} = ${JSON.stringify(received)} is invalid: expected ${expected}`);
  }
}

/**
 * Thrown by the JPEG corruption when the active tfjs backend has no native JPEG codec
 * (tf.node.encodeJpeg and decodeJpeg exist only in @tensorflow/tfjs-node and tfjs-node-gpu).
 * Retryable: another worker may have the native backend.
 */
export class JpegCodecUnavailableError extends MlError {
  override readonly permanent = false;

  constructor(readonly backend: string) {
    super(
      `the jpeg_compression corruption needs tf.node.encodeJpeg/decodeJpeg from the native tfjs-node backend, but the active backend is '${backend}'; ` +
        'fix: npm run setup, then npm run check:backend',
    );
  }
}

/**
 * Thrown by the evaluation runner when its plan cannot run on the trial: a corruption the dataset's list
 * does not have, an attribute column that does not fit the test split, a task its metrics do not cover.
 */
export class EvaluationPlanError extends MlError {
  constructor(
    /** The plan's setting, e.g. `corruptions`, `attribute`, `task`. */
    readonly setting: string,
    readonly received: unknown,
    /** What is accepted. */
    readonly expected: string,
  ) {
    super(`evaluation ${setting} = ${JSON.stringify(received)} cannot be run: expected ${expected}`);
  }
}
