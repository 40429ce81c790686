import { readFileSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import type { Tf } from '../backend.js';
import { InvalidTransferModeError } from '../errors.js';
import type { ArchitectureName } from './registry.js';
import { ARCHITECTURES, ARCHITECTURE_NAMES, blockOfLayer } from './registry.js';
import { withModel } from './test-support/with-model.js';
import type { TransferMode } from './transfer.js';
import { applyTransferMode, headLayerNames } from './transfer.js';

interface KerasFixture {
  base: {
    params: number;
    trainableParams: number;
    layers: { name: string; weights: [string, number[]][] }[];
  };
  head: {
    inputShape: number[];
    classes: number;
    params: number;
    layers: { name: string; weights: [string, number[]][] }[];
  };
}

const size = (shape: number[]): number => shape.reduce((n, d) => n * d, 1);
const BATCH_NORM_TRAINABLE = new Set(['gamma', 'beta']);
const NEVER_TRAINABLE = new Set(['moving_mean', 'moving_variance', 'mean', 'variance', 'count']);

/**
 * Trainable parameters Keras' layer list implies for a mode: the head, plus the top `blocks` blocks'
 * weights without the statistics, and without BatchNormalization's gamma and beta unless trained.
 */
function expectedTrainable(
  keras: KerasFixture,
  name: ArchitectureName,
  blocks: number,
  trainBatchNorm: boolean,
): number {
  const spec = ARCHITECTURES[name];
  const top = new Set(spec.blocks.slice(spec.blocks.length - blocks).map((b) => b.name));
  const head = keras.head.layers.flatMap((l) => l.weights).reduce((n, [, shape]) => n + size(shape), 0);
  let base = 0;
  for (const layer of keras.base.layers) {
    if (!top.has(blockOfLayer(spec, layer.name)!.name)) continue;
    for (const [weight, shape] of layer.weights) {
      if (NEVER_TRAINABLE.has(weight) || (BATCH_NORM_TRAINABLE.has(weight) && !trainBatchNorm)) continue;
      base += size(shape);
    }
  }
  return head + base;
}

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

describe('applyTransferMode', () => {
  it('VGG16: trains the head, then block5 too, then everything', async () => {
    const build = (): tfjs.LayersModel =>
      ARCHITECTURES.vgg16.build({ inputSize: 32, channels: 3, numClasses: 2, includeTop: true });
    await withModel(tf, build, (model) => {
      // fc1 512x4096+4096, fc2 4096x4096+4096, predictions 4096x2+2; block5: 3 x (3x3x512x512+512).
      const head = 2_101_248 + 16_781_312 + 8_194;
      const block5 = 3 * (3 * 3 * 512 * 512 + 512);
      expect(applyTransferMode(model, 'vgg16', { kind: 'frozen' })).toEqual({
        trainableBlocks: [],
        frozenBlocks: ['block1', 'block2', 'block3', 'block4', 'block5'],
        headLayers: ['fc1', 'fc2', 'predictions'],
        trainableParams: head,
        nonTrainableParams: 14_714_688,
      });
      const top1 = applyTransferMode(model, 'vgg16', { kind: 'fine-tune-top', blocks: 1 });
      expect(top1).toMatchObject({ trainableBlocks: ['block5'], trainableParams: head + block5 });
      expect(applyTransferMode(model, 'vgg16', { kind: 'full' })).toMatchObject({
        trainableParams: head + 14_714_688,
        nonTrainableParams: 0,
      });
    });
  });

  const bnArchitectures = ['resnet50', 'densenet121', 'efficientnetb0'] as const;
  it.each(bnArchitectures)('%s: trainable counts per mode agree with Keras layer by layer', async (name) => {
    const keras = JSON.parse(
      readFileSync(new URL(`./fixtures/${name}.keras.json`, import.meta.url), 'utf8'),
    ) as KerasFixture;
    const build = (): tfjs.LayersModel =>
      ARCHITECTURES[name].build({
        inputSize: 32,
        channels: 3,
        numClasses: keras.head.classes,
        includeTop: true,
      });
    await withModel(tf, build, (model) => {
      const blocks = ARCHITECTURES[name].blocks.length;
      const modes: [TransferMode, number][] = [
        [{ kind: 'frozen' }, expectedTrainable(keras, name, 0, false)],
        [{ kind: 'fine-tune-top', blocks: 3 }, expectedTrainable(keras, name, 3, false)],
        [{ kind: 'fine-tune-top', blocks: 3, trainBatchNorm: true }, expectedTrainable(keras, name, 3, true)],
        // Everything Keras counts as trainable in the full model.
        [{ kind: 'full' }, keras.head.params - (keras.base.params - keras.base.trainableParams)],
      ];
      for (const [mode, trainable] of modes) {
        const summary = applyTransferMode(model, name, mode);
        expect(summary.trainableParams, JSON.stringify(mode)).toBe(trainable);
        expect(summary.trainableParams + summary.nonTrainableParams).toBe(keras.head.params);
      }
      expect(expectedTrainable(keras, name, blocks, true)).toBe(
        keras.head.params - (keras.base.params - keras.base.trainableParams),
      );
      expect(headLayerNames(model, name)).toEqual(keras.head.layers.map((l) => l.name));
    });
  });

  it.each(ARCHITECTURE_NAMES)('%s: its blocks cover the whole base, each block some layers', async (name) => {
    const build = (): tfjs.LayersModel =>
      ARCHITECTURES[name].build({
        inputSize: 32,
        channels: 3,
        numClasses: 2,
        includeTop: false,
        widthMultiplier: 0.25,
      });
    await withModel(tf, build, (model) => {
      expect(headLayerNames(model, name)).toEqual([]);
      const summary = applyTransferMode(model, name, { kind: 'full' });
      expect(summary.trainableBlocks).toEqual(ARCHITECTURES[name].blocks.map((b) => b.name));
    });
  });

  it('keeps BatchNormalization of unfrozen blocks frozen unless asked', async () => {
    const build = (): tfjs.LayersModel =>
      ARCHITECTURES.resnet50.build({
        inputSize: 32,
        channels: 3,
        numClasses: 2,
        includeTop: true,
        widthMultiplier: 0.25,
      });
    await withModel(tf, build, (model) => {
      const summary = applyTransferMode(model, 'resnet50', { kind: 'fine-tune-top', blocks: 1 });
      expect(summary.trainableBlocks).toEqual(['conv5_block3']);
      expect(model.getLayer('conv5_block3_1_conv').trainable).toBe(true);
      expect(model.getLayer('conv5_block3_1_bn').trainable).toBe(false);
      expect(model.getLayer('conv5_block2_1_conv').trainable).toBe(false);
      applyTransferMode(model, 'resnet50', { kind: 'fine-tune-top', blocks: 1, trainBatchNorm: true });
      expect(model.getLayer('conv5_block3_1_bn').trainable).toBe(true);
    });
  });

  it('rejects a block count the architecture does not have, listing its blocks', async () => {
    const build = (): tfjs.LayersModel =>
      ARCHITECTURES.squeezenet1_1.build({ inputSize: 32, channels: 1, numClasses: 2, includeTop: true });
    await withModel(tf, build, (model) => {
      for (const blocks of [0, 10, 1.5]) {
        expect(() => applyTransferMode(model, 'squeezenet1_1', { kind: 'fine-tune-top', blocks })).toThrow(
          InvalidTransferModeError,
        );
      }
      expect(() => applyTransferMode(model, 'squeezenet1_1', { kind: 'fine-tune-top', blocks: 10 })).toThrow(
        'transfer mode for squeezenet1_1: fine-tune-top blocks = 10; expected a whole number from 1 to 9 ' +
          "(squeezenet1_1's blocks, input to output: conv1, fire2, fire3, fire4, fire5, fire6, fire7, fire8, fire9)",
      );
      expect(() => applyTransferMode(model, 'vgg16', { kind: 'frozen' })).toThrow(
        'transfer mode for vgg16: model squeezenet1_1 lacks blocks block1, block2, block3, block4, block5 of vgg16',
      );
    });
  });
});
