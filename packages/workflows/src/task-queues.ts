import { DEFAULT_TRAIN_QUEUE, GPU_TRAIN_QUEUE, isTrainQueue } from '@medsweep/core/planning';

/**
 * Task queues: `train` runs heavy trial segments (one per GPU/CPU slot; `train-<kind>` queues route by
 * hardware, `train-gpu` for sweeps that ask for a GPU), `control` runs workflows and the bookkeeping
 * activities that write to Postgres.
 */
export const TASK_QUEUES = {
  train: DEFAULT_TRAIN_QUEUE,
  trainGpu: GPU_TRAIN_QUEUE,
  control: 'control',
} as const;
export type TaskQueue = string;

/** `control`, `train`, or a hardware-specific train queue such as `train-gpu` or `train-a100-80gb`. */
export const isTaskQueue = (q: string): boolean => q === TASK_QUEUES.control || isTrainQueue(q);

// Workflow ids are derived, never random, so starting the same thing twice is a no-op.
export const doctorWorkflowId = (queue: string, runKey: string): string => `doctor-${queue}-${runKey}`;
export const sweepWorkflowId = (sweepId: string): string => `sweep-${sweepId}`;
export const trialWorkflowId = (sweepId: string, index: number): string => `trial-${sweepId}-${index}`;
export const trialKeyOf = (sweepId: string, index: number): string => `${sweepId}:${index}`;
/** Key prefix of a trial's objects in the bucket (its outputs, and its evaluations' documents). */
export const trialObjectPrefix = (sweepId: string, index: number): string => `trials/${sweepId}/${index}`;
/** One evaluation of a trial: its kind and parameters hash name it, so asking twice starts it once. */
export const evaluationWorkflowId = (trialId: string, kind: string, paramsHash: string): string =>
  `evaluation-${trialId}-${kind}-${paramsHash}`;
/** One verification of a trial, per request: the asker's request id names it, so a retried ask starts it once. */
export const verificationWorkflowId = (trialId: string, requestId: string): string =>
  `verification-${trialId}-${requestId}`;
