import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../backend.js';
import { selectBackend } from '../../backend.js';
import type { HogArgs } from './hog.js';
import { defaultHogArgs, hogFeatureCount, hogFeatures } from './hog.js';

/** scikit-image's HOG of three small fixed images (scripts/hog-skimage-reference.py). */
interface HogCase {
  name: string;
  height: number;
  width: number;
  channels: number;
  pixels: number[];
  args: HogArgs;
  features: number[];
}
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/hog-skimage.json', import.meta.url), 'utf8'),
) as { skimage: string; cases: HogCase[] };

/** uint8 pixels scaled to [0, 1], as the model's 'unit' preprocessing feeds them. */
const unit = (pixels: number[]) => Float32Array.from(pixels, (p) => p / 255);

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

describe('hogFeatures', () => {
  it.each(reference.cases.map((c) => [c.name, c] as const))("equals scikit-image's hog: %s", (_, c) => {
    const baseline = tf.memory().numTensors;
    const features = tf.tidy(() => {
      const image = tf.tensor4d(unit(c.pixels), [1, c.height, c.width, c.channels]);
      return hogFeatures(image, c.args).dataSync();
    });
    expect(tf.memory().numTensors, 'tensors left behind').toBe(baseline);
    expect(features.length).toBe(c.features.length);
    expect(hogFeatureCount(c.height, c.width, c.args)).toBe(c.features.length);
    const worst = c.features.reduce((m, v, i) => Math.max(m, Math.abs(v - (features[i] as number))), 0);
    // Measured: at most 1.2e-7 (float32 here, float64 in scikit-image).
    expect(worst).toBeLessThan(1e-6);
  });

  it('describes every image of a batch independently', () => {
    const c = reference.cases[0] as HogCase;
    const [single, batch] = tf.tidy(() => {
      const image = tf.tensor4d(unit(c.pixels), [1, c.height, c.width, 1]);
      const flipped = tf.reverse(image, 2);
      return [
        hogFeatures(flipped, c.args).dataSync(),
        hogFeatures(tf.concat([image, flipped]), c.args).dataSync(),
      ];
    });
    const n = c.features.length;
    expect(Array.from(batch.slice(n))).toEqual(Array.from(single));
    const first = batch.slice(0, n);
    expect(Math.max(...c.features.map((v, i) => Math.abs(v - (first[i] as number))))).toBeLessThan(1e-6);
  });

  it('defaults to 9 orientations, 2 x 2 blocks and 4 px cells, at most a 16 x 16 grid of cells', () => {
    expect(defaultHogArgs(28)).toEqual({ orientations: 9, cellSize: 4, blockSize: 2 });
    expect(hogFeatureCount(28, 28, defaultHogArgs(28))).toBe(6 * 6 * 4 * 9);
    expect(defaultHogArgs(224).cellSize).toBe(14);
    expect(hogFeatureCount(224, 224, defaultHogArgs(224))).toBe(15 * 15 * 4 * 9);
  });
});
