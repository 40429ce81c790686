export { createWorker } from './worker.js';
export type {
  EvaluatorFactory,
  RunningWorker,
  StartWorkerArgs,
  TrainerFactory,
  VerifierFactory,
} from './worker.js';
export { createTrainActivities } from './activities/train.js';
export { createEvaluationActivities } from './activities/evaluate.js';
export { createVerificationActivities } from './activities/verify.js';
export { recordVerification } from './activities/record-verification.js';
export { SCORE_TOLERANCE, verifyTrial } from './verify-trial.js';
export type { VerifyTrialDeps } from './verify-trial.js';
export { createSyntheticTrainActivities, syntheticAuc } from './activities/synthetic-train.js';
