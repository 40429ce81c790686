export { killService, restartServices, stackDown, stackStatus, stackUp } from './stack.js';
export { TEMPORAL_CLUSTER_ROLES } from './temporal-cluster.js';
export type { TemporalClusterRole } from './temporal-cluster.js';
export type { ServiceStatus } from './stack.js';
export {
  PortInUseError,
  MissingBinaryError,
  ServiceUnhealthyError,
  TemporalClusterPortError,
} from './errors.js';
export { localWeb, startLocalWeb, stopLocalWeb } from './web.js';
export type { LocalWeb } from './web.js';
export { localWorkers, startLocalWorker, stopLocalWorkers } from './workers.js';
export type { LocalWorkerArgs } from './workers.js';
