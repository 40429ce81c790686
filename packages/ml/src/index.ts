export { selectBackend, describeBackend } from './backend.js';
export type { BackendAttempt, BackendInfo, BackendPackage, SelectBackendArgs, Tf } from './backend.js';
export { NativeBackendUnavailableError, NoBackendAvailableError } from './errors.js';
export * from './models/index.js';
export * from './weights/index.js';
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
} from './errors.js';
export type { ArchitectureArgProblem } from './errors.js';
