// What a worker trains on, decided once at start-up: the accelerator it declares (or that nvidia-smi
// shows), checked against the queues it polls, so a trial that needs a GPU never lands on a CPU worker
// and a GPU never idles on a CPU-only queue.
import { acceleratorOfQueue } from '@medsweep/core/sweep';
import type { NvidiaGpu } from '@medsweep/ml';
import { AcceleratorUnavailableError, QueueAcceleratorMismatchError, WorkerArgsError } from './errors.js';

export type Accelerator = 'cpu' | 'gpu';
export const ACCELERATOR_CHOICES = ['auto', 'cpu', 'gpu'] as const;
const isAcceleratorChoice = (value: string): value is (typeof ACCELERATOR_CHOICES)[number] =>
  (ACCELERATOR_CHOICES as readonly string[]).includes(value);

export interface WorkerHardware {
  accelerator: Accelerator;
  /** The GPU trials run on (TensorFlow's first visible device); absent on CPU workers. */
  gpu?: NvidiaGpu;
  /** GPUs visible to the process; more than one wastes all but the first (one worker per GPU). */
  visibleGpus: number;
}

export interface WorkerHardwareArgs {
  /** `--accelerator`: auto (default) takes gpu when nvidia-smi lists a GPU this process may use. */
  declared: string;
  /** listNvidiaGpus(config.cudaVisibleDevices). */
  gpus: readonly NvidiaGpu[];
  /** Every queue the process polls; train queues ending in -gpu / -cpu need that accelerator. */
  queues: readonly string[];
  /** The synthetic trainer only simulates training: it may stand in for a GPU worker without one. */
  simulated: boolean;
  /** CUDA_VISIBLE_DEVICES, for the error message. */
  visibleDevices?: string;
}

/** Resolves and checks the accelerator; throws a WorkerError naming the mismatch. */
export function workerHardware(args: WorkerHardwareArgs): WorkerHardware {
  const { declared, gpus } = args;
  if (!isAcceleratorChoice(declared)) {
    throw new WorkerArgsError('--accelerator', declared, `must be one of ${ACCELERATOR_CHOICES.join(', ')}`);
  }
  const accelerator: Accelerator = declared === 'auto' ? (gpus.length > 0 ? 'gpu' : 'cpu') : declared;
  if (accelerator === 'gpu' && gpus.length === 0 && !args.simulated) {
    throw new AcceleratorUnavailableError(args.visibleDevices);
  }
  for (const queue of args.queues) {
    const needs = acceleratorOfQueue(queue);
    if (needs !== undefined && needs !== accelerator) {
      throw new QueueAcceleratorMismatchError(queue, needs, accelerator);
    }
  }
  const gpu = accelerator === 'gpu' ? gpus[0] : undefined;
  return { accelerator, ...(gpu ? { gpu } : {}), visibleGpus: gpus.length };
}
