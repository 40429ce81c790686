import * as tf from '@tensorflow/tfjs';
import { convBlock, transitionBlock } from '../../models/densenet.js';
import { mbConvBlock } from '../../models/efficientnet.js';
import { apply, batchNorm, predictions } from '../../models/functional.js';
import { Normalization } from '../../models/layers/normalization.js';
import { residualStage } from '../../models/resnet.js';
import { fireModule } from '../../models/squeezenet.js';
import { vggBlock } from '../../models/vgg16.js';

/**
 * Our side of the small network that scripts/keras-mini-weights.py assembles from Keras' own block
 * functions: EfficientNet's input stem, a DenseNet-style stem, a VGG block, a ResNet stage, DenseNet
 * conv and transition blocks, two EfficientNet MBConv blocks and a SqueezeNet fire module. Outputs
 * the fire module's feature map and the class probabilities. With 1 channel it is the greyscale
 * model the same RGB weights load into.
 */
export function buildMiniModel(channels: 1 | 3 = 3): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, channels], name: 'input_layer' });
  let x = apply(tf.layers.rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
  x = apply(new Normalization({ name: 'normalization' }), x);
  x = apply(
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'conv1_conv' }),
    x,
  );
  x = apply(
    tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }),
    batchNorm(x, 'conv1_bn', 1.001e-5),
  );
  x = vggBlock(x, 8, 2, 'block1');
  x = residualStage(x, 4, 2, 1, 'conv2');
  x = convBlock(convBlock(x, 4, 'conv3_block1'), 4, 'conv3_block2');
  x = transitionBlock(x, 0.5, 'pool3');
  const mbconv = { kernelSize: 3, expandRatio: 2, seRatio: 0.25, idSkip: true };
  x = mbConvBlock(x, { ...mbconv, filtersIn: 12, filtersOut: 8, strides: 2 }, 0, 'block2a');
  x = mbConvBlock(x, { ...mbconv, filtersIn: 8, filtersOut: 8, strides: 1 }, 0.1, 'block2b');
  const features = fireModule(x, 4, 8, 'fire2');
  const pooled = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), features);
  return tf.model({ inputs: input, outputs: [features, predictions(pooled, 3, 'softmax')], name: 'mini' });
}
