export { createWorker } from './worker.js';
export type { EvaluatorFactory, RunningWorker, StartWorkerArgs, TrainerFactory } from './worker.js';
export { createTrainActivities } from './activities/train.js';
export { createEvaluationActivities } from './activities/evaluate.js';
export { createSyntheticTrainActivities, syntheticAuc } from './activities/synthetic-train.js';
