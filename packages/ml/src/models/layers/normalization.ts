import * as tf from '@tensorflow/tfjs';

// Keras' backend.epsilon(): the floor of the standard deviation it divides by.
const KERAS_EPSILON = 1e-7;

/**
 * Keras' Normalization layer on the last axis, for EfficientNet's input stem: (x - mean) / sqrt(variance)
 * with non-trainable `mean`, `variance` and `count` weights, so Keras weight files (which carry them)
 * load by name and parameter counts match Keras'. tfjs-layers has no such layer. Adapting to data is
 * not implemented: the statistics come from the weights file (zeros and ones before that).
 */
export class Normalization extends tf.layers.Layer {
  static readonly className = 'Normalization';
  private mean?: tf.LayerVariable;
  private variance?: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    // The builders give every input a static channel count, as Keras requires for this layer.
    const channels = shape[shape.length - 1] as number;
    this.mean = this.addWeight('mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.variance = this.addWeight(
      'variance',
      [channels],
      'float32',
      tf.initializers.ones(),
      undefined,
      false,
    );
    // Only kept so Keras files, which store it, map weight for weight; nothing here reads it.
    this.addWeight('count', [], 'int32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const std = tf.maximum(tf.sqrt(this.variance!.read()), KERAS_EPSILON);
      return tf.div(tf.sub(x, this.mean!.read()), std);
    });
  }
}

tf.serialization.registerClass(Normalization);
