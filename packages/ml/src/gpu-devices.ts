// The NVIDIA GPUs of this host, as `nvidia-smi` reports them: whether a GPU route is worth loading
// (backend.ts) and which device a worker trains on (its identity, recorded per trial attempt).
import { execFileSync } from 'node:child_process';

export interface NvidiaGpu {
  /** nvidia-smi's index on this host (what CUDA_VISIBLE_DEVICES counts, in PCI order). */
  index: number;
  uuid: string;
  /** Marketing name, e.g. `NVIDIA H100 80GB HBM3`. */
  model: string;
  /** Kernel driver version, e.g. `550.54.15`. */
  driver: string;
  memoryMiB: number;
}

/** Runs nvidia-smi with arguments and returns its stdout; throws when it is missing or fails. */
export type NvidiaSmi = (args: readonly string[]) => string;

const QUERY = ['--query-gpu=index,uuid,name,driver_version,memory.total', '--format=csv,noheader,nounits'];

const runNvidiaSmi: NvidiaSmi = (args) =>
  execFileSync('nvidia-smi', args, {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

/**
 * The GPUs this process may use: every GPU nvidia-smi lists, narrowed to `visibleDevices` (the value of
 * CUDA_VISIBLE_DEVICES: indices or UUIDs, comma-separated; empty means none) when it is given. An empty
 * list when nvidia-smi is not installed, finds no driver, or lists nothing.
 */
export function listNvidiaGpus(visibleDevices?: string, nvidiaSmi: NvidiaSmi = runNvidiaSmi): NvidiaGpu[] {
  let output: string;
  try {
    output = nvidiaSmi(QUERY);
  } catch {
    return [];
  }
  const gpus = output
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter((fields) => fields.length === 5 && /^\d+$/.test(fields[0] as string))
    .map(([index, uuid, model, driver, memory]) => ({
      index: Number(index),
      uuid: uuid as string,
      model: model as string,
      driver: driver as string,
      memoryMiB: Number(memory),
    }));
  if (visibleDevices === undefined) return gpus;
  const wanted = visibleDevices
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  // CUDA's order is the order of the list, not nvidia-smi's.
  return wanted.flatMap((d) => gpus.filter((g) => String(g.index) === d || g.uuid.startsWith(d)));
}
