import { hostname } from 'node:os';
import type { WorkerIdentity } from '@medsweep/workflows';
import type { WorkerHardware } from './hardware.js';

/** What a worker declares about itself beyond its queue: what it trains on and how many at once. */
export interface WorkerCapacity {
  hardware: Pick<WorkerHardware, 'accelerator' | 'gpu'>;
  slots: number;
}

const CPU_SLOT: WorkerCapacity = { hardware: { accelerator: 'cpu' }, slots: 1 };

/**
 * A stable, human-readable identity: which host, which queue, which process, and what it trains on
 * (recorded with every trial attempt it runs).
 */
export function workerIdentity(
  queue: string,
  backend?: string,
  { hardware, slots }: WorkerCapacity = CPU_SLOT,
): WorkerIdentity {
  const host = hostname();
  const { gpu } = hardware;
  return {
    identity: `${queue}@${host}#${process.pid}`,
    host,
    pid: process.pid,
    queue,
    ...(backend ? { backend } : {}),
    accelerator: hardware.accelerator,
    slots,
    ...(gpu
      ? { gpu: { model: gpu.model, driver: gpu.driver, memoryMiB: gpu.memoryMiB, uuid: gpu.uuid } }
      : {}),
  };
}
