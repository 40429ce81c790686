// Where a trial trains: the task queue of the worker pool that has what the trial needs. Workers
// declare the queue they poll; a sweep's `resources` name a queue or let the GPU count choose one.

/** The queue of trials that need nothing special: any CPU or GPU train worker may serve it. */
export const DEFAULT_TRAIN_QUEUE = 'train';
/** The queue of trials that need a GPU, unless the spec names a GPU queue of its own. */
export const GPU_TRAIN_QUEUE = 'train-gpu';

/**
 * `train` or `train-<kind>`, where kind is lowercase words joined by dashes (`train-gpu`,
 * `train-a100-80gb`). A queue ending in `-gpu` is served by GPU workers only, one ending in `-cpu` by
 * CPU workers only.
 */
export const TRAIN_QUEUE_PATTERN = /^train(-[a-z0-9]+)*$/;

/** Whether `queue` is a train queue name. */
export const isTrainQueue = (queue: string): boolean => TRAIN_QUEUE_PATTERN.test(queue);

/** The accelerator a queue's name asks for, or undefined when either will do. */
export function acceleratorOfQueue(queue: string): 'cpu' | 'gpu' | undefined {
  if (queue.endsWith('-gpu')) return 'gpu';
  if (queue.endsWith('-cpu')) return 'cpu';
  return undefined;
}

/** The queue for a trial needing `gpus` GPUs when the spec names none. */
export const trainQueueFor = (gpus: number): string => (gpus > 0 ? GPU_TRAIN_QUEUE : DEFAULT_TRAIN_QUEUE);
