/** Task queues: `train` runs heavy trials (one per GPU/CPU slot), `control` does bookkeeping and DB writes. */
export const TASK_QUEUES = {
  train: 'train',
  control: 'control',
} as const;
export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];

export const isTaskQueue = (q: string): q is TaskQueue => Object.values<string>(TASK_QUEUES).includes(q);

/** Workflow ids are derived, never random, so starting the same thing twice is a no-op. */
export const doctorWorkflowId = (queue: TaskQueue, runKey: string): string => `doctor-${queue}-${runKey}`;
