import * as tf from '@tensorflow/tfjs';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export interface PerChannelRescalingArgs extends LayerArgs {
  /** One factor per channel of the last axis. */
  scale: number[];
}

/**
 * Multiplies each channel by its own constant, as Keras' Rescaling does with a list `scale`;
 * tfjs-layers' rescaling() takes only a scalar. EfficientNet uses it after its Normalization when
 * ImageNet weights are loaded. No weights.
 */
export class PerChannelRescaling extends tf.layers.Layer {
  static readonly className = 'PerChannelRescaling';
  private readonly scale: number[];

  constructor(args: PerChannelRescalingArgs) {
    super(args);
    this.scale = [...args.scale];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, tf.tensor1d(this.scale)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(PerChannelRescaling);
