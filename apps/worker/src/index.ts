export { createWorker } from './worker.js';
export type { RunningWorker, StartWorkerArgs } from './worker.js';
