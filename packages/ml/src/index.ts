export { backendVersions, describeBackend, selectBackend } from './backend.js';
export type { BackendInfo, SelectBackendArgs, Tf } from './backend.js';
export type { BackendAttempt, BackendPackage } from './backend-attempts.js';
export { NativeBackendUnavailableError, NoBackendAvailableError } from './errors.js';
export { listNvidiaGpus } from './gpu-devices.js';
export type { NvidiaGpu, NvidiaSmi } from './gpu-devices.js';
export * from './data/index.js';
export * from './training/index.js';
export {
  NpyFormatError,
  NpzMissingArraysError,
  DatasetShapeError,
  LabelOutOfRangeError,
  EmptySplitError,
  UnreadableImageError,
  ImageFolderLayoutError,
  ImageManifestError,
  ManifestImageMissingError,
  DuplicateImagePathError,
  DicomFormatError,
  UnsupportedTransferSyntaxError,
  UnsupportedDicomImageError,
  ImageDecoderUnavailableError,
  BlobNotFoundError,
  BlobIntegrityError,
  DatasetManifestError,
  PreprocessingConfigError,
  MultiLabelBatchError,
  TrainConfigError,
  UnseedableModelError,
  CheckpointMismatchError,
  CheckpointFormatError,
  TrainingDivergedError,
} from './errors.js';
export * from './models/index.js';
export * from './weights/index.js';
export * from './evaluation/index.js';
export * from './saliency/index.js';
export * from './trial/index.js';
export {
  InvalidArchitectureArgsError,
  UnknownArchitectureError,
  InvalidTransferModeError,
  WeightsFileUnreadableError,
  WeightsFileNotHdf5Error,
  WeightsFileTruncatedError,
  WeightsFileCorruptError,
  WeightsLayerMissingError,
  WeightsCountMismatchError,
  WeightsShapeMismatchError,
  TrainedWeightsInputMissingError,
  GradCamConfigError,
  PngEncoderUnavailableError,
  UnsupportedHyperparameterError,
  CorruptionConfigError,
  JpegCodecUnavailableError,
} from './errors.js';
export type { ArchitectureArgProblem } from './errors.js';
