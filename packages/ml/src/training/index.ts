export { train } from './trainer.js';
export type { TrainArgs, TrainProgress, TrainResult, ValidationMetric } from './trainer.js';
export { initializeWeights } from './initialize-weights.js';
export { predictSplit } from './predict.js';
export type { SplitPredictions } from './predict.js';
export { learningRateAt, validateSchedule } from './lr-schedule.js';
export type { LrSchedule, RunPosition } from './lr-schedule.js';
export { createOptimizer, validateOptimizer } from './optimizer.js';
export type { OptimizerArgs } from './optimizer.js';
export { balancedClassWeights, crossEntropyPerSample, squaredHingePerSample, weightedLoss } from './loss.js';
export type { TrainingLoss } from './loss.js';
export {
  LocalDirectoryCheckpointStore,
  checkpointFileName,
  decodeCheckpoint,
  encodeCheckpoint,
  staleCheckpoints,
} from './checkpoint.js';
export type { CheckpointStore, EpochRecord, TrainingCheckpoint } from './checkpoint.js';
export type { TensorRecord } from './tensor-records.js';
