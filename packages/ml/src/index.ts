export { selectBackend, describeBackend } from './backend.js';
export type { BackendAttempt, BackendInfo, BackendPackage, SelectBackendArgs, Tf } from './backend.js';
export { NativeBackendUnavailableError, NoBackendAvailableError } from './errors.js';
