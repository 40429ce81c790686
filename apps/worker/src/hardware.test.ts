import { describe, expect, it } from 'vitest';
import type { NvidiaGpu } from '@medsweep/ml';
import { AcceleratorUnavailableError, QueueAcceleratorMismatchError, WorkerArgsError } from './errors.js';
import { workerHardware } from './hardware.js';

const H100: NvidiaGpu = {
  index: 0,
  uuid: 'GPU-1b2c3d4e-0000-1111-2222-333344445555',
  model: 'NVIDIA H100 80GB HBM3',
  driver: '550.54.15',
  memoryMiB: 81559,
};
const base = { gpus: [] as NvidiaGpu[], queues: ['train'], simulated: false };

describe('workerHardware', () => {
  it('detects the accelerator: gpu when nvidia-smi lists one, else cpu', () => {
    expect(workerHardware({ ...base, declared: 'auto' })).toEqual({ accelerator: 'cpu', visibleGpus: 0 });
    expect(workerHardware({ ...base, declared: 'auto', gpus: [H100] })).toEqual({
      accelerator: 'gpu',
      gpu: H100,
      visibleGpus: 1,
    });
    // A GPU host may still run a CPU worker.
    expect(workerHardware({ ...base, declared: 'cpu', gpus: [H100] }).accelerator).toBe('cpu');
  });

  it('refuses a GPU worker without a GPU, unless the trainer is only simulated', () => {
    expect(() => workerHardware({ ...base, declared: 'gpu', visibleDevices: '' })).toThrow(
      AcceleratorUnavailableError,
    );
    expect(() => workerHardware({ ...base, declared: 'gpu' })).toThrow(
      '--accelerator gpu, but nvidia-smi lists no GPU this process may use; install the NVIDIA driver, give the container the GPU, or use --accelerator cpu',
    );
    expect(workerHardware({ ...base, declared: 'gpu', simulated: true })).toEqual({
      accelerator: 'gpu',
      visibleGpus: 0,
    });
  });

  it('refuses queues reserved for the other accelerator', () => {
    expect(() => workerHardware({ ...base, declared: 'cpu', queues: ['control', 'train-gpu'] })).toThrow(
      new QueueAcceleratorMismatchError('train-gpu', 'gpu', 'cpu').message,
    );
    expect(() =>
      workerHardware({ ...base, declared: 'auto', gpus: [H100], queues: ['train-fleet-cpu'] }),
    ).toThrow(QueueAcceleratorMismatchError);
    expect(
      workerHardware({ ...base, declared: 'auto', gpus: [H100], queues: ['train', 'train-gpu'] }),
    ).toMatchObject({ accelerator: 'gpu' });
  });

  it('names what --accelerator accepts', () => {
    expect(() => workerHardware({ ...base, declared: 'tpu' })).toThrow(WorkerArgsError);
    expect(() => workerHardware({ ...base, declared: 'tpu' })).toThrow(
      '--accelerator "tpu": must be one of auto, cpu, gpu',
    );
  });
});
