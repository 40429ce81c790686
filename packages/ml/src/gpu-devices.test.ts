import { describe, expect, it } from 'vitest';
import { listNvidiaGpus } from './gpu-devices.js';

// What nvidia-smi prints for the query on a two-GPU host (csv, no header, no units).
const TWO_GPUS = [
  '0, GPU-1b2c3d4e-0000-1111-2222-333344445555, NVIDIA H100 80GB HBM3, 550.54.15, 81559',
  '1, GPU-9f8e7d6c-0000-1111-2222-333344445555, NVIDIA H100 80GB HBM3, 550.54.15, 81559',
  '',
].join('\n');

describe('listNvidiaGpus', () => {
  it('reads model, driver and memory of every GPU nvidia-smi lists', () => {
    const gpus = listNvidiaGpus(undefined, () => TWO_GPUS);
    expect(gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-1b2c3d4e-0000-1111-2222-333344445555',
        model: 'NVIDIA H100 80GB HBM3',
        driver: '550.54.15',
        memoryMiB: 81559,
      },
      expect.objectContaining({ index: 1, model: 'NVIDIA H100 80GB HBM3' }),
    ]);
  });

  it('keeps the GPUs CUDA_VISIBLE_DEVICES names, by index or UUID, in its order', () => {
    const smi = () => TWO_GPUS;
    expect(listNvidiaGpus('1', smi).map((g) => g.index)).toEqual([1]);
    expect(listNvidiaGpus('GPU-9f8e7d6c,0', smi).map((g) => g.index)).toEqual([1, 0]);
    expect(listNvidiaGpus('', smi)).toEqual([]);
  });

  it('finds none when nvidia-smi is missing or fails (no driver)', () => {
    const missing = () => {
      throw Object.assign(new Error('spawnSync nvidia-smi ENOENT'), { code: 'ENOENT' });
    };
    expect(listNvidiaGpus(undefined, missing)).toEqual([]);
    expect(listNvidiaGpus(undefined, () => 'NVIDIA-SMI has failed because it could not communicate')).toEqual(
      [],
    );
  });
});
