import * as tf from '@tensorflow/tfjs';
import type { HogArgs } from './hog.js';
import { hogFeatureCount, hogFeatures } from './hog.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export type HogFeaturesArgs = LayerArgs & HogArgs;

/**
 * HOG descriptors of its input images [batch, height, width, channels] as [batch, features] (see
 * hogFeatures). No weights: the descriptor is fixed, only what follows it trains.
 */
export class HogFeatures extends tf.layers.Layer {
  static readonly className = 'HogFeatures';
  private readonly hog: HogArgs;

  constructor(args: HogFeaturesArgs) {
    super(args);
    this.hog = { orientations: args.orientations, cellSize: args.cellSize, blockSize: args.blockSize };
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [batch ?? null, hogFeatureCount(height ?? 0, width ?? 0, this.hog)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return hogFeatures((Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D, this.hog);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.hog };
  }
}

tf.serialization.registerClass(HogFeatures);
