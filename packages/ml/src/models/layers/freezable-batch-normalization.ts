import * as tf from '@tensorflow/tfjs';

type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type CallKwargs = Parameters<tf.layers.Layer['call']>[1];

// tfjs-layers exports only the factory of its BatchNormalization layer, not the class; take the class
// from an instance, so the subclass keeps tfjs's kernels, weights and config.
const TfjsBatchNormalization = tf.layers.batchNormalization({}).constructor as new (
  args: BatchNormalizationArgs,
) => tf.layers.Layer;

/**
 * BatchNormalization that runs in inference mode (moving statistics, no updates) while it is not
 * trainable, as Keras' BatchNormalization does. tfjs's own layer ignores `trainable` here and keeps
 * normalising with batch statistics and updating its moving averages during fit(), which would
 * silently change a frozen ImageNet base.
 */
export class FreezableBatchNormalization extends TfjsBatchNormalization {
  static readonly className = 'FreezableBatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    return super.call(inputs, { ...kwargs, training: kwargs['training'] === true && this.trainable });
  }
}

tf.serialization.registerClass(
  FreezableBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
);
