export { restartServices, stackDown, stackStatus, stackUp } from './stack.js';
export type { ServiceStatus } from './stack.js';
export { PortInUseError, MissingBinaryError, ServiceUnhealthyError } from './errors.js';
export { localWorkers, startLocalWorker, stopLocalWorkers } from './workers.js';
export type { LocalWorkerArgs } from './workers.js';
