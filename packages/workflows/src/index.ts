export {
  TASK_QUEUES,
  isTaskQueue,
  doctorWorkflowId,
  sweepWorkflowId,
  trialWorkflowId,
  trialKeyOf,
  evaluationWorkflowId,
  verificationWorkflowId,
  trialObjectPrefix,
} from './task-queues.js';
export type { TaskQueue } from './task-queues.js';
export type * from './activities.js';
export { workflowsPath, workflowsResolveConditions } from './paths.js';
export {
  pauseSignal,
  resumeSignal,
  progressQuery,
  trialFinishedSignal,
  rungReachedSignal,
  rungDecisionSignal,
} from './workflows/signals.js';
export type { SweepProgress, RungReport, RungDecision } from './workflows/signals.js';
export type { SweepState, SweepSummary } from './workflows/sweep.js';
export type { TrialSummary } from './workflows/trial.js';
export type { EvaluationSummary } from './workflows/evaluation.js';
// Workflow functions as types only: clients start them by name and never load workflow code.
export type {
  doctorWorkflow,
  evaluationWorkflow,
  sweepWorkflow,
  trialWorkflow,
  verificationWorkflow,
} from './workflows/index.js';
