import { Rng } from '@medsweep/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import { CorruptionConfigError } from '../errors.js';
import {
  atSeverity,
  corruptionsFor,
  DEFAULT_CORRUPTIONS,
  MEDMNIST_C_CORRUPTIONS,
  SEVERITIES,
} from './corruption-registry.js';
import type { Corruption, ImageBatch } from './corruptions.js';
import { applyCorruption, corruptSplit, drawCorruption, validateCorruption } from './corruptions.js';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await selectBackend();
});

/** A grey split of `count` 28 x 28 images: a gradient plus a per-image offset. */
function greySplit(count: number): ImageSplit {
  const images = Uint8Array.from(
    { length: count * 28 * 28 },
    (_, i) => (Math.floor(i / 28) * 7 + (i % 28) * 3 + Math.floor(i / 784) * 11) % 256,
  );
  return {
    count,
    height: 28,
    width: 28,
    channels: 1,
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
  };
}

const constantBatch = (count: number, value: number): ImageBatch => ({
  count,
  height: 28,
  width: 28,
  channels: 1,
  images: new Uint8Array(count * 28 * 28).fill(value),
});

function meanAndVariance(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return [mean, squares / (values.length - 1)];
}

const rngs = (seed: number) => (i: number) => Rng.fromSeed(seed * 1000 + i);

describe('corruptSplit', () => {
  const split = greySplit(10);
  const noise: Corruption = { kind: 'gaussian_noise', scale: 0.08 };

  it('is reproducible from its seed, whatever the batching, and keeps shape and labels', async () => {
    const { tf } = backend;
    const tensors = tf.memory().numTensors;
    const a = await corruptSplit(tf, split, noise, 7);
    const b = await corruptSplit(tf, split, noise, 7, { batchSize: 3 });
    const c = await corruptSplit(tf, split, noise, 8);
    expect(a.images).toEqual(b.images);
    expect(a.images).not.toEqual(c.images);
    expect(a.images).not.toEqual(split.images);
    expect([a.count, a.height, a.width, a.channels, a.images.length]).toEqual([10, 28, 28, 1, 10 * 784]);
    expect(a.labels).toEqual(split.labels);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('grows with severity: every level reuses the same draws, scaled', async () => {
    const { tf } = backend;
    const speckle = MEDMNIST_C_CORRUPTIONS.breastmnist!.find((c) => c.name === 'speckle_noise')!;
    let previous = 0;
    for (const severity of SEVERITIES) {
      const corrupted = await corruptSplit(tf, split, atSeverity(speckle, severity), 3);
      let change = 0;
      corrupted.images.forEach((v, i) => (change += Math.abs(v - split.images[i]!)));
      expect(change).toBeGreaterThan(previous);
      previous = change;
    }
  });

  it('runs every registered corruption of BreastMNIST and PneumoniaMNIST at every severity on 28 px images', async () => {
    const { tf } = backend;
    const small = greySplit(2);
    for (const dataset of ['breastmnist', 'pneumoniamnist']) {
      for (const registered of corruptionsFor(dataset, 1)) {
        for (const severity of SEVERITIES) {
          const out = await corruptSplit(tf, small, atSeverity(registered, severity), 1);
          expect(out.images.length, `${dataset} ${registered.name} ${severity}`).toBe(small.images.length);
        }
      }
    }
  }, 120_000);
});

describe('seeded draws', () => {
  it('normals: mean 0, variance 1', () => {
    const draw = drawCorruption({ kind: 'gaussian_noise', scale: 0.1 }, constantBatch(50, 100), rngs(1))!;
    const [mean, variance] = meanAndVariance(draw.values);
    expect(draw.values.length).toBe(50 * 784 * 3);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
  });

  it.each([
    [51, 25],
    [255, 60],
    [255, 300],
    [128, 5],
  ])('Poisson counts of grey level %i at %i photons: mean and variance lambda', (level, photons) => {
    const draw = drawCorruption({ kind: 'shot_noise', photons }, constantBatch(20, level), rngs(2))!;
    const lambda = (level / 255) * photons;
    const [mean, variance] = meanAndVariance(draw.values);
    // 47,040 draws: the mean's standard error is sqrt(lambda / n) < 0.08 even at lambda 300.
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / draw.values.length));
    expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.04);
    expect(draw.values.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
  });

  it('salt and pepper: the amount flips, half to each', () => {
    const draw = drawCorruption({ kind: 'impulse_noise', amount: 0.1 }, constantBatch(20, 90), rngs(3))!;
    let salt = 0;
    let pepper = 0;
    for (const v of draw.values) {
      if (v === 1) salt++;
      if (v === 2) pepper++;
    }
    expect(Math.abs((salt + pepper) / draw.values.length - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(salt / (salt + pepper) - 0.5)).toBeLessThan(0.02);
  });

  it('motion angles: uniform on [-45, 45) degrees, one per image', () => {
    const draw = drawCorruption(
      { kind: 'motion_blur', radius: 5, sigma: 5 },
      constantBatch(2000, 1),
      rngs(4),
    )!;
    const [mean, variance] = meanAndVariance(draw.values);
    expect(draw.values.length).toBe(2000);
    expect(draw.values.every((a) => a >= -45 && a < 45)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(2);
    expect(Math.abs(Math.sqrt(variance) - 90 / Math.sqrt(12))).toBeLessThan(1);
  });

  it('deterministic kinds draw nothing', () => {
    expect(drawCorruption({ kind: 'contrast', factor: 0.5 }, constantBatch(1, 1), rngs(5))).toBeUndefined();
  });
});

describe('checks', () => {
  it('refuses a random kind without its draw, or with one of the wrong size', async () => {
    const { tf } = backend;
    const batch = constantBatch(2, 100);
    await expect(applyCorruption(tf, batch, { kind: 'speckle_noise', scale: 0.1 })).rejects.toThrow(
      /speckle_noise draw = "none" is invalid: expected a normal draw of 4704 values/,
    );
    await expect(
      applyCorruption(
        tf,
        batch,
        { kind: 'speckle_noise', scale: 0.1 },
        { kind: 'normal', values: new Float64Array(3) },
      ),
    ).rejects.toThrow(CorruptionConfigError);
  });

  it.each<[Corruption, RegExp]>([
    [{ kind: 'pixelate', factor: 0.02 }, /keeps at least 1 pixel of a 28x28 image/],
    [{ kind: 'gaussian_blur', kernelSize: 4 }, /an odd whole number/],
    [{ kind: 'gaussian_blur', kernelSize: 59 }, /half-width is smaller than the 28x28 image/],
    [{ kind: 'jpeg_compression', quality: 0 }, /quality in \[1, 100\]/],
    [{ kind: 'impulse_noise', amount: 1.5 }, /a share in \[0, 1\]/],
  ])('rejects %j', (corruption, message) => {
    expect(() => validateCorruption(corruption, { height: 28, width: 28 })).toThrow(message);
  });

  it('rejects a batch whose bytes do not fit its shape', async () => {
    const { tf } = backend;
    const batch = { ...constantBatch(2, 0), images: new Uint8Array(10) };
    await expect(applyCorruption(tf, batch, { kind: 'gamma', gamma: 2 })).rejects.toThrow(/batch.images/);
  });
});

describe('registry', () => {
  it("carries medmnistc's BreastMNIST and PneumoniaMNIST lists, five valid severities each", () => {
    expect(MEDMNIST_C_CORRUPTIONS.breastmnist!.map((c) => c.name)).toEqual([
      'pixelate',
      'jpeg_compression',
      'speckle_noise',
      'motion_blur',
      'brightness_up',
      'brightness_down',
      'contrast_down',
    ]);
    expect(MEDMNIST_C_CORRUPTIONS.pneumoniamnist!).toHaveLength(13);
    for (const list of [...Object.values(MEDMNIST_C_CORRUPTIONS), ...Object.values(DEFAULT_CORRUPTIONS)]) {
      expect(new Set(list.map((c) => c.name)).size).toBe(list.length);
      for (const c of list) {
        expect(c.severities).toHaveLength(5);
        c.severities.forEach((s) => validateCorruption(s, { height: 28, width: 28 }));
      }
    }
  });

  it('falls back to the default for the channels of a dataset medmnistc does not list', () => {
    expect(corruptionsFor('my-site-ultrasound', 1)).toBe(DEFAULT_CORRUPTIONS[1]);
    expect(corruptionsFor('my-dermoscopy', 3)).toBe(DEFAULT_CORRUPTIONS[3]);
    expect(atSeverity(MEDMNIST_C_CORRUPTIONS.breastmnist![3]!, 5)).toEqual({
      kind: 'motion_blur',
      radius: 17,
      sigma: 12,
    });
  });
});
