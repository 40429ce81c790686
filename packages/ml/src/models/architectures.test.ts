import { readFileSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import type { Tf } from '../backend.js';
import { InvalidArchitectureArgsError, UnknownArchitectureError } from '../errors.js';
import { withModel } from './test-support/with-model.js';
import type { ArchitectureName } from './registry.js';
import { ARCHITECTURES, ARCHITECTURE_NAMES, getArchitecture } from './registry.js';

/** Base parameter counts of Keras 3 (include_top=False), from the issue; SqueezeNet's is its weights file's. */
const KERAS_BASE_PARAMS: Record<ArchitectureName, number> = {
  vgg16: 14_714_688,
  resnet50: 23_587_712,
  densenet121: 7_037_504,
  efficientnetb0: 4_049_571,
  squeezenet1_1: 722_496,
};

type WeightList = [string, number[]][];
interface KerasLayer {
  name: string;
  weights: WeightList;
}
interface KerasFixture {
  base: { inputShape: number[]; params: number; layers: KerasLayer[] };
  head: { inputShape: number[]; classes: number; params: number; layers: KerasLayer[] };
}

const KERAS_ARCHITECTURES = ['vgg16', 'resnet50', 'densenet121', 'efficientnetb0'] as const;

function kerasFixture(name: string): KerasFixture {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.keras.json`, import.meta.url), 'utf8'),
  ) as KerasFixture;
}

// tfjs names a depthwise kernel `depthwise_kernel`, Keras 3 `kernel`; the stored order is the same.
const KERAS3_WEIGHT_NAMES: Record<string, string> = { depthwise_kernel: 'kernel' };

/** Every layer with weights, in model order, with its weights as Keras 3 names them and their shapes. */
function weightedLayers(model: tfjs.LayersModel): KerasLayer[] {
  return model.layers
    .filter((layer) => layer.weights.length > 0)
    .map((layer) => ({
      name: layer.name,
      weights: layer.weights.map((w): [string, number[]] => {
        const name = w.originalName.slice(layer.name.length + 1);
        return [KERAS3_WEIGHT_NAMES[name] ?? name, w.shape as number[]];
      }),
    }));
}

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

type BuildArgs = Parameters<(typeof ARCHITECTURES)[ArchitectureName]['build']>[0];

const withArchitecture = <T>(name: ArchitectureName, args: BuildArgs, use: (model: tfjs.LayersModel) => T) =>
  withModel(tf, () => ARCHITECTURES[name].build(args), use);

describe('architectures without head, at 224x224x3', () => {
  it.each(KERAS_ARCHITECTURES)(
    '%s has Keras 3 parameter count, layer names, weight names and shapes',
    async (name) => {
      const keras = kerasFixture(name);
      await withArchitecture(
        name,
        { inputSize: 224, channels: 3, numClasses: 2, includeTop: false },
        (model) => {
          expect(model.countParams()).toBe(KERAS_BASE_PARAMS[name]);
          expect(keras.base.params).toBe(KERAS_BASE_PARAMS[name]);
          expect(weightedLayers(model)).toEqual(keras.base.layers);
          expect(model.outputs[0]!.sourceLayer.name).toBe(ARCHITECTURES[name].featureLayer);
        },
      );
    },
  );

  it('squeezenet1_1 has the parameter count of its ImageNet weights file', async () => {
    await withArchitecture(
      'squeezenet1_1',
      { inputSize: 224, channels: 3, numClasses: 2, includeTop: false },
      (model) => {
        expect(model.countParams()).toBe(KERAS_BASE_PARAMS.squeezenet1_1);
        expect(model.layers.filter((l) => l.weights.length > 0).map((l) => l.name)).toEqual([
          'conv1',
          ...[2, 3, 4, 5, 6, 7, 8, 9].flatMap((i) =>
            ['squeeze1x1', 'expand1x1', 'expand3x3'].map((c) => `fire${i}/${c}`),
          ),
        ]);
      },
    );
  });
});

describe('architectures with head', () => {
  it.each(KERAS_ARCHITECTURES)('%s has Keras 3 head layers and parameter count', async (name) => {
    const { head } = kerasFixture(name);
    const [inputSize, , channels] = head.inputShape as [number, number, 3];
    await withArchitecture(
      name,
      { inputSize, channels, numClasses: head.classes, includeTop: true },
      (model) => {
        expect(model.countParams()).toBe(head.params);
        const headNames = new Set(head.layers.map((l) => l.name));
        expect(weightedLayers(model).filter((l) => headNames.has(l.name))).toEqual(head.layers);
      },
    );
  });

  const sizes = [32, 64] as const;
  const channelCounts = [1, 3] as const;
  const cases = ARCHITECTURE_NAMES.flatMap((name) =>
    sizes.flatMap((inputSize) => channelCounts.map((channels) => ({ name, inputSize, channels }))),
  );
  it.each(cases)(
    '$name builds at $inputSize px with $channels channel(s) and outputs class probabilities',
    async (c) => {
      const numClasses = 3;
      // Width 1 where it is cheap; the heavy bases at a quarter width keep this test fast.
      const widthMultiplier = c.inputSize === 64 ? 1 : 0.25;
      await withArchitecture(
        c.name,
        { inputSize: c.inputSize, channels: c.channels, numClasses, includeTop: true, widthMultiplier },
        (model) => {
          const probabilities = tf.tidy(() => {
            const images = tf.randomUniform([2, c.inputSize, c.inputSize, c.channels], 0, 255, 'float32', 1);
            return (model.predict(images) as tfjs.Tensor).arraySync() as number[][];
          });
          expect(probabilities).toHaveLength(2);
          for (const row of probabilities) {
            expect(row).toHaveLength(numClasses);
            for (const p of row) expect(p).toBeGreaterThanOrEqual(0);
            expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
          }
        },
      );
    },
  );
});

describe('architecture arguments', () => {
  it('rejects bad arguments, naming each field, what it got and what is accepted', () => {
    const attempt = (): unknown =>
      ARCHITECTURES.resnet50.build({
        inputSize: 28,
        channels: 2 as 3,
        numClasses: 1,
        includeTop: true,
        widthMultiplier: 0,
        dropout: 1,
      });
    expect(attempt).toThrow(InvalidArchitectureArgsError);
    expect(attempt).toThrow(
      [
        'invalid arguments for resnet50:',
        '  inputSize = 28: expected a whole number >= 32',
        '  channels = 2: expected 1 or 3',
        '  numClasses = 1: expected a whole number >= 2',
        '  widthMultiplier = 0: expected a number in (0, 4]',
        '  dropout = 1: expected a rate in [0, 1)',
      ].join('\n'),
    );
  });

  it('looks architectures up by name and names the known ones for an unknown name', () => {
    expect(getArchitecture('densenet121').family).toBe('densenet');
    expect(() => getArchitecture('resnet18')).toThrow(UnknownArchitectureError);
    expect(() => getArchitecture('resnet18')).toThrow(
      'unknown architecture "resnet18"; known: vgg16, resnet50, densenet121, efficientnetb0, squeezenet1_1',
    );
  });

  it('scales widths and keeps Keras names at a width multiplier', async () => {
    await withArchitecture(
      'efficientnetb0',
      { inputSize: 32, channels: 3, numClasses: 2, includeTop: false, widthMultiplier: 0.5 },
      (model) => {
        // Keras' round_filters: 32 x 0.5 = 16 stem filters, 1280 x 0.5 = 640 top filters.
        expect(model.getLayer('stem_conv').weights[0]!.shape).toEqual([3, 3, 3, 16]);
        expect(model.getLayer('top_conv').weights[0]!.shape).toEqual([1, 1, 160, 640]);
      },
    );
  });

  it('serialises and restores models with our custom layers', async () => {
    const args = {
      inputSize: 32,
      channels: 3,
      numClasses: 2,
      includeTop: true,
      widthMultiplier: 0.25,
      imagenetWeights: true,
    } as const;
    await withArchitecture('efficientnetb0', args, async (model) => {
      const topology = model.toJSON(null, false);
      const restored = await tf.models.modelFromJSON({
        modelTopology: topology as Exclude<typeof topology, string>,
      });
      try {
        const classes = (m: tfjs.LayersModel): string[] => m.layers.map((l) => l.getClassName());
        expect(classes(restored)).toEqual(classes(model));
        expect(classes(model)).toEqual(
          expect.arrayContaining(['Normalization', 'PerChannelRescaling', 'FreezableBatchNormalization']),
        );
        expect(restored.countParams()).toBe(model.countParams());
      } finally {
        restored.dispose();
      }
    });
  });

  it("adds Keras' variance-correcting Rescaling for ImageNet weights to EfficientNet only", async () => {
    const args = {
      inputSize: 32,
      channels: 3,
      numClasses: 2,
      includeTop: false,
      imagenetWeights: true,
    } as const;
    await withArchitecture('efficientnetb0', args, (model) => {
      expect(model.layers.slice(1, 4).map((l) => l.name)).toEqual([
        'rescaling',
        'normalization',
        'rescaling_1',
      ]);
      expect(model.countParams()).toBe(KERAS_BASE_PARAMS.efficientnetb0);
    });
    await withArchitecture('resnet50', { ...args, widthMultiplier: 0.25 }, (model) => {
      expect(model.layers.map((l) => l.name)).not.toContain('rescaling_1');
    });
  });
});
