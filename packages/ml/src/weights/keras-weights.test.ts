import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';
import type * as tfjs from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import type { Tf } from '../backend.js';
import {
  WeightsCountMismatchError,
  WeightsFileCorruptError,
  WeightsFileNotHdf5Error,
  WeightsFileTruncatedError,
  WeightsFileUnreadableError,
  WeightsLayerMissingError,
  WeightsShapeMismatchError,
} from '../errors.js';
import { ARCHITECTURES } from '../models/registry.js';
import { withModel } from '../models/test-support/with-model.js';
import { headLayerNames } from '../models/transfer.js';
import { buildMiniModel } from './test-support/mini-model.js';
import { loadKerasWeights } from './load-keras-weights.js';

const SQUEEZENET = join(
  loadConfig().dataDir,
  'weights',
  'squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5',
);
const SQUEEZENET_BYTES = 3_002_560;
const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

interface WeightSummary {
  shape: number[];
  sum: number;
  sumAbs: number;
  samples: [number, number][];
}
interface H5pyReference {
  params: number;
  layers: { name: string; weights: (WeightSummary & { dataset: string })[] }[];
  greyConv1Kernel: WeightSummary;
}
interface MiniExpected {
  inputShape: [number, number, number];
  features: { shape: number[]; values: number[] };
  probabilities: number[];
}

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-weights-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function readJson<T>(url: URL): Promise<T> {
  return JSON.parse(await readFile(url, 'utf8')) as T;
}

/** Checks a loaded tensor against h5py's reading of the same weight. */
function expectMatches(tensor: tfjs.Tensor, reference: WeightSummary, what: string): void {
  expect(tensor.shape, what).toEqual(reference.shape);
  const values = tensor.dataSync();
  let sum = 0;
  let sumAbs = 0;
  for (const v of values) {
    sum += v;
    sumAbs += Math.abs(v);
  }
  expect(sum, what).toBeCloseTo(reference.sum, 4);
  expect(sumAbs, what).toBeCloseTo(reference.sumAbs, 3);
  for (const [position, value] of reference.samples)
    expect(values[position], `${what}[${position}]`).toBe(value);
}

const squeezenet =
  (args: { channels?: 1 | 3; widthMultiplier?: number } = {}) =>
  (): tfjs.LayersModel =>
    ARCHITECTURES.squeezenet1_1.build({
      inputSize: 64,
      channels: 3,
      numClasses: 2,
      includeTop: true,
      ...args,
    });

describe('loadKerasWeights on the real SqueezeNet v1.1 ImageNet file', () => {
  it('loads every base weight with the values h5py reads from the file, leaving the new head alone', async () => {
    const reference = await readJson<H5pyReference>(fixture('squeezenet.h5py.json'));
    await withModel(tf, squeezenet(), async (model) => {
      const head = headLayerNames(model, 'squeezenet1_1');
      expect(head).toEqual(['conv10']);
      const conv10Before = model.getLayer('conv10').getWeights()[0]!.dataSync().slice();

      const report = await loadKerasWeights(model, SQUEEZENET, { optionalLayers: head });

      expect(report).toMatchObject({
        format: 'keras-h5',
        skippedLayers: ['conv10'],
        unusedFileLayers: [],
        greyAdaptedLayers: [],
      });
      expect(report.loadedLayers).toEqual(reference.layers.map((l) => l.name));
      let params = 0;
      for (const layer of reference.layers) {
        const loaded = model.getLayer(layer.name).getWeights();
        layer.weights.forEach((weight, i) => {
          expectMatches(loaded[i]!, weight, weight.dataset);
          params += loaded[i]!.size;
        });
      }
      expect(params).toBe(reference.params);
      expect(model.getLayer('conv10').getWeights()[0]!.dataSync()).toEqual(conv10Before);
    });
  });

  it('is the file the registry names, by md5', async () => {
    const md5 = createHash('md5')
      .update(await readFile(SQUEEZENET))
      .digest('hex');
    expect(md5).toBe(ARCHITECTURES.squeezenet1_1.imagenetWeights.md5);
    expect(SQUEEZENET.endsWith(ARCHITECTURES.squeezenet1_1.imagenetWeights.fileName)).toBe(true);
  });

  it('sums the first kernel over RGB for a greyscale model', async () => {
    const reference = await readJson<H5pyReference>(fixture('squeezenet.h5py.json'));
    await withModel(tf, squeezenet({ channels: 1 }), async (model) => {
      const report = await loadKerasWeights(model, SQUEEZENET, { optionalLayers: ['conv10'] });
      expect(report.greyAdaptedLayers).toEqual(['conv1']);
      expectMatches(model.getLayer('conv1').getWeights()[0]!, reference.greyConv1Kernel, 'grey conv1 kernel');
    });
  });

  it('is strict by default: a head missing from the file is an error', async () => {
    await withModel(tf, squeezenet(), async (model) => {
      const attempt = loadKerasWeights(model, SQUEEZENET);
      await expect(attempt).rejects.toThrow(WeightsLayerMissingError);
      await expect(attempt).rejects.toThrow(
        `weights file ${SQUEEZENET} has no weights for layer conv10 of the model`,
      );
    });
  });

  it('names the first layer missing when the file is for another architecture', async () => {
    const vgg = (): tfjs.LayersModel =>
      ARCHITECTURES.vgg16.build({
        inputSize: 32,
        channels: 3,
        numClasses: 2,
        includeTop: false,
        widthMultiplier: 0.125,
      });
    await withModel(tf, vgg, async (model) => {
      const error = await loadKerasWeights(model, SQUEEZENET).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeightsLayerMissingError);
      expect(error).toMatchObject({ path: SQUEEZENET, layer: 'block1_conv1' });
      expect((error as Error).message).toContain('the file holds conv1, fire2/squeeze1x1, fire2/expand1x1');
    });
  });

  it('names the layer, weight and both shapes when widths differ', async () => {
    await withModel(tf, squeezenet({ widthMultiplier: 0.5 }), async (model) => {
      const attempt = loadKerasWeights(model, SQUEEZENET, { optionalLayers: ['conv10'] });
      await expect(attempt).rejects.toThrow(WeightsShapeMismatchError);
      await expect(attempt).rejects.toThrow(
        `weights file ${SQUEEZENET}: layer conv1, weight kernel has shape [3, 3, 3, 32] in the model but [3, 3, 3, 64] in the file`,
      );
    });
  });

  it('checks every layer before setting any', async () => {
    const partlyFitting = (): tfjs.LayersModel => {
      const input = tf.input({ shape: [32, 32, 3] });
      const conv1 = tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, name: 'conv1' }).apply(input);
      const squeeze = tf.layers.conv2d({ filters: 8, kernelSize: 1, name: 'fire2/squeeze1x1' });
      return tf.model({ inputs: input, outputs: squeeze.apply(conv1) as tfjs.SymbolicTensor });
    };
    await withModel(tf, partlyFitting, async (model) => {
      const before = model.getLayer('conv1').getWeights()[0]!.dataSync().slice();
      await expect(loadKerasWeights(model, SQUEEZENET)).rejects.toMatchObject({
        name: 'WeightsShapeMismatchError',
        layer: 'fire2/squeeze1x1',
        expected: [1, 1, 64, 8],
        found: [1, 1, 64, 16],
      });
      expect(model.getLayer('conv1').getWeights()[0]!.dataSync()).toEqual(before);
    });
  });

  it('reports a layer whose weight count differs', async () => {
    const noBias = (): tfjs.LayersModel => {
      const input = tf.input({ shape: [32, 32, 3] });
      const conv = tf.layers.conv2d({ filters: 64, kernelSize: 3, useBias: false, name: 'conv1' });
      return tf.model({ inputs: input, outputs: conv.apply(input) as tfjs.SymbolicTensor });
    };
    await withModel(tf, noBias, async (model) => {
      await expect(loadKerasWeights(model, SQUEEZENET)).rejects.toThrow(
        new WeightsCountMismatchError(SQUEEZENET, 'conv1', 1, 2).message,
      );
    });
  });
});

describe('loadKerasWeights on broken files', () => {
  it('says how much of a truncated file is missing', async () => {
    const path = join(scratch, 'truncated.h5');
    await copyFile(SQUEEZENET, path);
    await truncate(path, 1_000_000);
    await withModel(tf, squeezenet(), async (model) => {
      const error = await loadKerasWeights(model, path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeightsFileTruncatedError);
      expect(error).toMatchObject({ path, actualBytes: 1_000_000, expectedBytes: SQUEEZENET_BYTES });
      expect((error as Error).message).toBe(
        `weights file ${path} is truncated: it has 1000000 bytes, its HDF5 header says ${SQUEEZENET_BYTES}; download or copy it again`,
      );
    });
  });

  it('tells a file that is not HDF5 from a missing one', async () => {
    const html = join(scratch, 'error-page.h5');
    await writeFile(html, '<html>Access denied</html>');
    await withModel(tf, squeezenet(), async (model) => {
      await expect(loadKerasWeights(model, html)).rejects.toThrow(WeightsFileNotHdf5Error);
      await expect(loadKerasWeights(model, html)).rejects.toThrow('it starts with 0x3c68746d6c3e4163');
      const missing = join(scratch, 'missing.h5');
      await expect(loadKerasWeights(model, missing)).rejects.toThrow(WeightsFileUnreadableError);
      await expect(loadKerasWeights(model, missing)).rejects.toThrow(
        `weights file ${missing} cannot be read: ENOENT`,
      );
    });
  });

  it('rejects an HDF5 file that does not hold Keras weights', async () => {
    const path = join(scratch, 'not-keras.h5');
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'images', data: new Float32Array(4), shape: [2, 2] });
    file.close();
    await withModel(tf, squeezenet(), async (model) => {
      await expect(loadKerasWeights(model, path)).rejects.toThrow(WeightsFileCorruptError);
      await expect(loadKerasWeights(model, path)).rejects.toThrow('HDF5, but not Keras weights');
    });
  });
});

describe('loadKerasWeights on every Keras layout, into blocks of all four architectures', () => {
  const layouts = [
    { file: 'mini.keras2.h5', format: 'keras-h5' },
    { file: 'mini.keras3-legacy.h5', format: 'keras-h5' },
    { file: 'mini.weights.h5', format: 'keras3-weights-h5' },
  ] as const;

  it.each(layouts)(
    '$file: our blocks compute what Keras computes with the same weights',
    async ({ file, format }) => {
      const expected = await readJson<MiniExpected>(fixture('mini.expected.json'));
      await withModel(tf, buildMiniModel, async (model) => {
        const report = await loadKerasWeights(model, new URL(fixture(file)).pathname);
        expect(report.format).toBe(format);
        expect(report.unusedFileLayers).toEqual([]);
        expect(report.loadedLayers).toEqual(
          model.layers.filter((l) => l.weights.length > 0).map((l) => l.name),
        );

        const [features, probabilities] = tf.tidy(() => {
          const pixels = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
          const outputs = model.predict(tf.tensor4d(pixels, [1, ...expected.inputShape])) as tfjs.Tensor[];
          return outputs.map((t) => Array.from(t.dataSync()));
        });
        expect(features).toHaveLength(expected.features.values.length);
        features!.forEach((v, i) => expect(v, `feature ${i}`).toBeCloseTo(expected.features.values[i]!, 5));
        probabilities!.forEach((v, i) =>
          expect(v, `probability ${i}`).toBeCloseTo(expected.probabilities[i]!, 5),
        );
      });
    },
  );
  it("adapts an RGB input stem to a greyscale model: EfficientNet's Normalization and the first kernel", async () => {
    const path = fixture('mini.keras2.h5').pathname;
    const rgb = await withModel(tf, buildMiniModel, async (model) => {
      await loadKerasWeights(model, path);
      return ['normalization', 'conv1_conv'].map((name) =>
        model
          .getLayer(name)
          .getWeights()
          .map((w) => w.arraySync()),
      );
    });
    await withModel(
      tf,
      () => buildMiniModel(1),
      async (model) => {
        const report = await loadKerasWeights(model, path);
        expect(report.greyAdaptedLayers).toEqual(['normalization', 'conv1_conv']);
        const [mean, variance, count] = model
          .getLayer('normalization')
          .getWeights()
          .map((w) => w.arraySync());
        const average = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
        expect((mean as number[])[0]).toBeCloseTo(average(rgb[0]![0] as number[]), 6);
        expect((variance as number[])[0]).toBeCloseTo(average(rgb[0]![1] as number[]), 6);
        expect(count).toBe(1000);
        const kernel = model.getLayer('conv1_conv').getWeights()[0]!.arraySync() as number[][][][];
        const rgbKernel = rgb[1]![0] as number[][][][];
        expect(kernel[1]![2]![0]![5]).toBeCloseTo(
          rgbKernel[1]![2]!.reduce((s, c) => s + c[5]!, 0),
          6,
        );
      },
    );
  });
});
