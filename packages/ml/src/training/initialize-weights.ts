import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { deriveSeed } from '../data/seed-streams.js';
import { UnseedableModelError } from '../errors.js';
import { leafLayers } from './model-randomness.js';

/** What we use of a tfjs initializer (the class is not exported from @tensorflow/tfjs). */
interface Initializer {
  apply(shape: number[], dtype?: tfjs.DataType): tfjs.Tensor;
}

/**
 * Re-initialises every weight of a built model from `seed`, so two builds of one architecture
 * start from identical weights. tfjs takes initializer seeds only per layer at construction; this
 * instead re-runs each weight's own initializer (the layer's kernelInitializer, gammaInitializer,
 * ...) with a seed derived from (seed, layer position, weight position), keeping each layer's
 * distribution. Non-trainable weights without a declared initializer (constants a custom layer
 * sets itself) keep their values. Call it right after building, before loading pretrained weights.
 */
export function initializeWeights(tf: Tf, model: tfjs.LayersModel, seed: number): void {
  leafLayers(model).forEach((layer, layerIndex) => {
    layer.weights.forEach((weight, weightIndex) => {
      const initializer = initializerOf(layer, weight.originalName);
      if (!initializer) {
        // Custom layers' constants (e.g. EfficientNet's Normalization mean and variance) are set
        // by their builder, not drawn; a trainable weight we cannot re-draw breaks repeatability.
        if (!weight.trainable) return;
        throw new UnseedableModelError(
          layer.name,
          `no initializer found for trainable weight '${weight.originalName}'`,
        );
      }
      const seeded = Object.assign(Object.create(initializer) as Initializer, {
        seed: deriveSeed(seed, 'init', layerIndex, weightIndex),
      });
      const value = seeded.apply(weight.shape as number[], weight.dtype);
      try {
        weight.write(value);
      } finally {
        tf.dispose(value);
      }
    });
  });
}

/**
 * The initializer a layer declared for one of its weights: weight "moving_mean" comes from
 * `movingMeanInitializer`, "depthwise_kernel" from `depthwiseInitializer`, and so on.
 */
function initializerOf(layer: tfjs.layers.Layer, weightName: string): Initializer | undefined {
  const short = weightName.slice(weightName.lastIndexOf('/') + 1);
  const camel = short.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const key of [`${camel}Initializer`, `${camel.replace(/Kernel$/, '')}Initializer`]) {
    const candidate = (layer as unknown as Record<string, unknown>)[key];
    if (candidate && typeof (candidate as Initializer).apply === 'function') return candidate as Initializer;
  }
  return undefined;
}
