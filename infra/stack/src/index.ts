export { restartServices, stackDown, stackStatus, stackUp } from './stack.js';
export type { ServiceStatus } from './stack.js';
export { PortInUseError, MissingBinaryError, ServiceUnhealthyError } from './errors.js';
export { localWeb, startLocalWeb, stopLocalWeb } from './web.js';
export type { LocalWeb } from './web.js';
export { localWorkers, startLocalWorker, stopLocalWorkers } from './workers.js';
export type { LocalWorkerArgs } from './workers.js';
