import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointFormatError } from '../errors.js';
import type { TrainingCheckpoint } from './checkpoint.js';
import { LocalDirectoryCheckpointStore, decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-ckpt-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const checkpoint = (epochsCompleted: number): TrainingCheckpoint => ({
  settings: { seed: 1, optimizer: { kind: 'adam', learningRate: 0.001 } },
  seed: 1,
  epochsCompleted,
  history: [{ epoch: 0, loss: 0.7, learningRate: 0.001, validationLoss: 0.6, validationMetric: 0.8 }],
  best: { epoch: 0, value: 0.8 },
  epochsWithoutImprovement: 0,
  stoppedEarly: false,
  weights: [
    { name: 'conv/kernel', shape: [3, 1], dtype: 'float32', data: Float32Array.of(0.5, -1.25, 3) },
    { name: 'bn/moving_mean', shape: [1], dtype: 'float32', data: Float32Array.of(Math.PI) },
  ],
  optimizer: [
    { name: 'iter', shape: [], dtype: 'int32', data: Int32Array.of(12) },
    { name: 'conv/kernel/m', shape: [3, 1], dtype: 'float32', data: Float32Array.of(1e-9, 0, -7) },
  ],
  bestWeights: [{ name: 'conv/kernel', shape: [3, 1], dtype: 'float32', data: Float32Array.of(1, 2, 3) }],
});

describe('checkpoint encoding', () => {
  it('round-trips every field and tensor value exactly', () => {
    const original = checkpoint(3);
    expect(decodeCheckpoint(encodeCheckpoint(original), 'mem')).toEqual(original);
    const { bestWeights: _, ...withoutBest } = original;
    expect(decodeCheckpoint(encodeCheckpoint(withoutBest), 'mem')).toEqual(withoutBest);
  });

  it('rejects bytes that are not a checkpoint or are truncated, naming where they came from', () => {
    const bytes = encodeCheckpoint(checkpoint(1));
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world!'), 'x.ckpt')).toThrow(
      /^x\.ckpt: not a readable training checkpoint: does not start with MSWCKPT1/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, 40), 'y.ckpt')).toThrow(CheckpointFormatError);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), 'z.ckpt')).toThrow(/truncated/);
  });
});

describe('LocalDirectoryCheckpointStore', () => {
  it('returns the newest checkpoint and keeps only the last two', async () => {
    const dir = join(scratch, 'store');
    const store = new LocalDirectoryCheckpointStore(dir);
    expect(await store.loadLatest()).toBeUndefined();
    for (const epoch of [1, 2, 3]) await store.save(checkpoint(epoch));
    expect((await store.loadLatest())?.epochsCompleted).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['epoch-0002.ckpt', 'epoch-0003.ckpt']);
  });

  it('ignores a partial file a killed writer left behind', async () => {
    const dir = join(scratch, 'partial');
    const store = new LocalDirectoryCheckpointStore(dir);
    await store.save(checkpoint(1));
    const bytes = await readFile(join(dir, 'epoch-0001.ckpt'));
    await writeFile(join(dir, 'epoch-0002.ckpt.partial'), bytes.subarray(0, 10));
    expect((await store.loadLatest())?.epochsCompleted).toBe(1);
  });
});
