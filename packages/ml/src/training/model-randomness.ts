import type * as tfjs from '@tensorflow/tfjs';
import { deriveSeed } from '../data/seed-streams.js';
import { UnseedableModelError } from '../errors.js';

type Layer = tfjs.layers.Layer;

/** Layers whose noise tfjs draws without a seed (from Math.random), so no run using them repeats. */
const UNSEEDABLE = new Set(['GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/** Every leaf layer of a model, nested models expanded, in a fixed (definition) order. */
export function leafLayers(model: tfjs.LayersModel): Layer[] {
  const out: Layer[] = [];
  const walk = (layer: Layer): void => {
    const inner = (layer as { layers?: Layer[] }).layers;
    if (Array.isArray(inner)) inner.forEach(walk);
    else out.push(layer);
  };
  model.layers.forEach(walk);
  return out;
}

/** Throws UnseedableModelError if a layer's randomness cannot be seeded. */
export function assertSeedable(model: tfjs.LayersModel): void {
  for (const layer of leafLayers(model)) {
    if (UNSEEDABLE.has(layer.getClassName())) {
      throw new UnseedableModelError(
        layer.name,
        `${layer.getClassName()} draws its noise from Math.random; use Dropout (or SpatialDropout) instead`,
      );
    }
  }
}

/** Dropout and its variants: the layers seedDropoutLayers seeds, and whose masks the native kernels draw. */
export function isDropout(layer: Layer): boolean {
  return 'seed' in layer && 'rate' in layer;
}

/**
 * Gives every dropout layer the seed of this step. tfjs's Dropout reads its `seed` field each
 * call, and with a fixed seed it would drop the same units every step; a seed derived from
 * (seed, epoch, batch, layer) makes each step's mask different yet exactly repeatable on resume.
 */
export function seedDropoutLayers(layers: Layer[], seed: number, epoch: number, batch: number): void {
  layers.forEach((layer, index) => {
    if (isDropout(layer)) {
      (layer as unknown as { seed: number }).seed = deriveSeed(seed, 'dropout', epoch, batch, index);
    }
  });
}
