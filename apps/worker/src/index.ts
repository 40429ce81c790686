export { createWorker } from './worker.js';
export type { RunningWorker, StartWorkerArgs, TrainerFactory } from './worker.js';
export { createTrainActivities } from './activities/train.js';
export { createSyntheticTrainActivities, syntheticAuc } from './activities/synthetic-train.js';
