import type * as tfjs from '@tensorflow/tfjs';
import { Rng, auc } from '@medsweep/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildImageBatch } from '../data/preprocess.js';
import { GradCamConfigError } from '../errors.js';
import type { ArchitectureName } from '../models/registry.js';
import { ARCHITECTURES, ARCHITECTURE_NAMES } from '../models/registry.js';
import { withModel } from '../models/test-support/with-model.js';
import { initializeWeights } from '../training/initialize-weights.js';
import { predictSplit } from '../training/predict.js';
import { train } from '../training/trainer.js';
import { exportGradCams } from './export-grad-cams.js';
import { gradCam } from './grad-cam.js';
import { renderGradCamPng } from './grad-cam-png.js';

const SIZE = 32;
const SQUARE = 6;
const input: ModelInputSpec = { height: SIZE, width: SIZE, channels: 1, preprocessing: 'minus-one-one' };

/**
 * Grey noise images; class 1 has a bright square somewhere, class 0 none: the square alone decides the
 * class. `at` places every square at one spot (row, column of its corner).
 */
function squares(count: number, seed: number, at?: [number, number]): ImageSplit {
  const rng = Rng.fromSeed(seed);
  const images = new Uint8Array(count * SIZE * SIZE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * SIZE * SIZE, (n + 1) * SIZE * SIZE);
    for (let p = 0; p < image.length; p++) image[p] = 40 + rng.nextInt(60);
    labels[n] = at ? 1 : n % 2;
    if (labels[n] === 0) continue;
    const [top, left] = at ?? [rng.nextInt(SIZE - SQUARE), rng.nextInt(SIZE - SQUARE)];
    for (let r = top; r < top + SQUARE; r++) image.fill(230, r * SIZE + left, r * SIZE + left + SQUARE);
  }
  return { count, height: SIZE, width: SIZE, channels: 1, images, labels };
}

/** conv -> pool -> conv (`last_conv`, 16 x 16) -> global average -> softmax. */
function tinyCnn(tf: Tf): tfjs.LayersModel {
  return tf.sequential({
    name: 'tiny_cnn',
    layers: [
      tf.layers.conv2d({
        inputShape: [SIZE, SIZE, 1],
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'last_conv' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'predictions' }),
    ],
  });
}

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

describe('gradCam', () => {
  it('peaks where the region that decides the class is, and draws it as a PNG of the input size', async () => {
    await withModel(
      tf,
      () => tinyCnn(tf),
      async (model) => {
        initializeWeights(tf, model, 1);
        const data = squares(192, 1);
        await train({
          tf,
          model,
          train: data,
          numClasses: 2,
          input,
          epochs: 8,
          batchSize: 32,
          optimizer: { kind: 'adam', learningRate: 0.01 },
          seed: 1,
        });
        const fitted = await predictSplit(tf, model, squares(64, 2), input, 2, 64);
        expect(auc(fitted.labels, fitted.scores, 'binary-class')).toBeGreaterThan(0.95);

        const [top, left] = [20, 4];
        const baseline = tf.memory().numTensors;
        const image = buildImageBatch(tf, squares(1, 3, [top, left]), [0], input);
        const explained = gradCam({ tf, model, layerName: 'last_conv', image });
        try {
          expect(explained).toMatchObject({ classIndex: 1, predictedClass: 1 });
          expect(explained.score).toBeGreaterThan(0.5);
          expect(explained.heatmap.shape).toEqual([SIZE, SIZE]);
          const heat = explained.heatmap.arraySync();
          const inside: number[] = [];
          const outside: number[] = [];
          heat.forEach((row, r) =>
            row.forEach((v, c) => {
              const within = r >= top && r < top + SQUARE && c >= left && c < left + SQUARE;
              (within ? inside : outside).push(v);
            }),
          );
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          expect(Math.max(...inside)).toBe(1);
          expect(Math.min(...outside)).toBeGreaterThanOrEqual(0);
          expect(mean(inside)).toBeGreaterThan(10 * mean(outside));
          // The hottest pixel lies on the square or its one-pixel rim (bilinear upsampling of 2 px cells).
          const hottest = heat.flat().indexOf(1);
          const [r, c] = [Math.floor(hottest / SIZE), hottest % SIZE];
          expect(r >= top - 1 && r <= top + SQUARE && c >= left - 1 && c <= left + SQUARE).toBe(true);

          const pixels = buildImageBatch(tf, squares(1, 3, [top, left]), [0], {
            ...input,
            preprocessing: 'unit',
          });
          const png = await renderGradCamPng(pixels, explained.heatmap, { tf });
          pixels.dispose();
          const decoded = (
            tf as unknown as { node: { decodePng(b: Uint8Array): tfjs.Tensor3D } }
          ).node.decodePng(png);
          expect(decoded.shape).toEqual([SIZE, SIZE, 3]);
          decoded.dispose();
        } finally {
          explained.heatmap.dispose();
        }
        // Explaining the other class gives another map; nothing but the heatmaps was kept.
        const other = gradCam({ tf, model, layerName: 'last_conv', image, classIndex: 0 });
        expect(other.classIndex).toBe(0);
        expect(other.score).toBeCloseTo(1 - explained.score, 5);
        other.heatmap.dispose();
        expect(tf.memory().numTensors, 'tensors left behind').toBe(baseline + 1);

        expect(() => gradCam({ tf, model, layerName: 'predictions', image })).toThrow(GradCamConfigError);
        expect(() => gradCam({ tf, model, layerName: 'conv9', image })).toThrow(/layerName = "conv9"/);
        expect(() => gradCam({ tf, model, layerName: 'last_conv', image, classIndex: 2 })).toThrow(
          /classIndex = 2 is invalid: expected a class index in \[0, 2\)/,
        );
        image.dispose();

        const exported = await exportGradCams({
          tf,
          model,
          layerName: 'last_conv',
          split: squares(3, 4),
          input,
          count: 4,
          namePrefix: 'test',
        });
        expect(exported.map((g) => [g.name, g.trueLabel])).toEqual([
          ['test-0.png', 0],
          ['test-1.png', 1],
          ['test-2.png', 0],
        ]);
        expect(exported[1]?.predictedLabel).toBe(1);
        expect(Array.from(exported[0]!.pngBytes.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
        expect(tf.memory().numTensors, 'tensors left behind').toBe(baseline);
      },
    );
  });

  it('colours the heatmap with jet over the image: blue at 0, red at 1, blended by alpha', async () => {
    const [png, blended] = await (async () => {
      const image = tf.fill([2, 2, 1], 0.5);
      const heatmap = tf.tensor2d([
        [0, 1],
        [0.5, 1],
      ]);
      try {
        return [
          await renderGradCamPng(image, heatmap, { tf, alpha: 1 }),
          await renderGradCamPng(image, heatmap, { tf, alpha: 0.5 }),
        ];
      } finally {
        tf.dispose([image, heatmap]);
      }
    })();
    const decode = (bytes: Uint8Array) =>
      tf.tidy(() =>
        (tf as unknown as { node: { decodePng(b: Uint8Array): tfjs.Tensor3D } }).node
          .decodePng(bytes)
          .arraySync(),
      );
    expect(decode(png)).toEqual([
      [
        [0, 0, 128],
        [128, 0, 0],
      ],
      [
        [128, 255, 128],
        [128, 0, 0],
      ],
    ]);
    expect(decode(blended)[0]).toEqual([
      [64, 64, 128],
      [128, 64, 64],
    ]);
    const [image, heatmap] = [tf.zeros([3, 3, 1]), tf.zeros([2, 2])];
    await expect(renderGradCamPng(image, heatmap, { tf })).rejects.toThrow(GradCamConfigError);
    tf.dispose([image, heatmap]);
  });

  it.each(ARCHITECTURE_NAMES)(
    "explains %s at its registry's gradCamLayer",
    async (name: ArchitectureName) => {
      const spec = ARCHITECTURES[name];
      await withModel(
        tf,
        () =>
          spec.build({ inputSize: 32, channels: 1, numClasses: 3, includeTop: true, widthMultiplier: 0.125 }),
        (model) => {
          initializeWeights(tf, model, 2);
          const layer = model.getLayer(spec.gradCamLayer);
          expect((layer.outputShape as number[]).length).toBe(4);
          const baseline = tf.memory().numTensors;
          const image = tf.randomUniform([32, 32, 1], -1, 1, 'float32', 5);
          const explained = gradCam({ tf, model, layerName: spec.gradCamLayer, image });
          try {
            expect(explained.heatmap.shape).toEqual([32, 32]);
            const values = explained.heatmap.dataSync();
            expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
            expect(Math.max(...values)).toBeLessThanOrEqual(1);
            // The head from the feature map reproduces the model's own prediction.
            const predicted = tf.tidy(() => (model.predict(image.expandDims(0)) as tfjs.Tensor).dataSync());
            expect(explained.score).toBeCloseTo(predicted[explained.classIndex] as number, 5);
          } finally {
            explained.heatmap.dispose();
            image.dispose();
          }
          expect(tf.memory().numTensors, 'tensors left behind').toBe(baseline);
        },
      );
    },
  );
});
