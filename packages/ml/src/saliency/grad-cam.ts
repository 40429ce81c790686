// Grad-CAM (Selvaraju et al. 2017): where in an image a CNN found the evidence for a class. The
// gradients of the class score with respect to the last convolutional feature map, averaged over its
// positions, weigh its channels; the weighted sum, through a ReLU, upsampled to the input and scaled to
// [0, 1], is the heatmap. As Keras' Grad-CAM example, the class score is the model's output for the
// class (its softmax probability; for a single sigmoid column, p or 1 - p).
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { GradCamConfigError } from '../errors.js';

export interface GradCamArgs {
  /** The namespace of the selected backend (selectBackend().tf). */
  tf: Tf;
  model: tfjs.LayersModel;
  /** The convolutional layer whose feature map is weighed: its architecture's gradCamLayer. */
  layerName: string;
  /** One image as the model takes it (preprocessed): [height, width, channels], or with a batch of 1. */
  image: tfjs.Tensor;
  /** The class to explain; default the predicted one. */
  classIndex?: number;
}

export interface GradCamResult {
  /** [height, width] of the model's input, in [0, 1] (all 0 when nothing speaks for the class); caller disposes. */
  heatmap: tfjs.Tensor2D;
  /** The class explained. */
  classIndex: number;
  /** The model's score of that class for the image. */
  score: number;
  /** The class with the highest score. */
  predictedClass: number;
}

/** The Grad-CAM heatmap of `image` for a class; leaves no tensor behind but the heatmap. */
export function gradCam({ tf, model, layerName, image, classIndex }: GradCamArgs): GradCamResult {
  const layer = featureLayer(model, layerName);
  // A CNN's input: [batch, height, width, channels].
  const [, height, width, channels] = model.inputs[0]?.shape as [null, number, number, number];
  const batched = image.rank === 3 ? [1, ...image.shape] : image.shape;
  if (batched.join() !== [1, height, width, channels].join()) {
    throw new GradCamConfigError(
      'image',
      image.shape,
      `one image of the model's input shape [${height}, ${width}, ${channels}]`,
    );
  }
  // A view of the model from its input to the feature map, sharing its layers (never disposed on its own).
  const features = tf.model({ inputs: model.inputs, outputs: layer.output as tfjs.SymbolicTensor });
  return tf.tidy(() => {
    const map = features.apply(tf.reshape(image, batched), { training: false }) as tfjs.Tensor4D;
    const classScores = (m: tfjs.Tensor) => scoresOf(tf, headFrom(model, layer, m));
    const scores = Array.from(classScores(map).dataSync());
    const predictedClass = scores.indexOf(Math.max(...scores));
    const explained = classIndex ?? predictedClass;
    if (!Number.isInteger(explained) || explained < 0 || explained >= scores.length) {
      throw new GradCamConfigError('classIndex', classIndex, `a class index in [0, ${scores.length})`);
    }
    const gradients = tf.grad((m: tfjs.Tensor) => tf.sum(tf.gather(classScores(m), [explained], 1)))(map);
    const channelWeights = tf.mean(gradients, [1, 2], true);
    const cam = tf.relu(tf.sum(tf.mul(map, channelWeights), -1, true)) as tfjs.Tensor4D;
    const upsampled = tf.image.resizeBilinear(cam, [height, width], false, true);
    const heatmap = tf.reshape(tf.divNoNan(upsampled, tf.max(upsampled)), [height, width]) as tfjs.Tensor2D;
    return {
      heatmap,
      classIndex: explained,
      score: scores[explained] as number,
      predictedClass,
    };
  });
}

/** The model's layer `name`, which must output a feature map [batch, rows, columns, channels]. */
function featureLayer(model: tfjs.LayersModel, name: string): tfjs.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    throw new GradCamConfigError(
      'layerName',
      name,
      `a layer of model ${model.name} (its gradCamLayer in the registry)`,
    );
  }
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || shape.length !== 4 || Array.isArray(shape[0])) {
    throw new GradCamConfigError(
      'layerName',
      name,
      `a layer with a 4-D feature map output, not ${JSON.stringify(shape)}`,
    );
  }
  return layer;
}

/**
 * The model's output computed from `map`, the output of `layer`: every later layer applied in model
 * order (inference mode) to the values computed so far. Each must depend on earlier layers only through
 * `layer`, as a CNN's head on its last feature map does.
 */
function headFrom(model: tfjs.LayersModel, layer: tfjs.layers.Layer, map: tfjs.Tensor): tfjs.Tensor {
  const values = new Map<number, tfjs.Tensor>([[(layer.output as tfjs.SymbolicTensor).id, map]]);
  for (const next of model.layers.slice(model.layers.indexOf(layer) + 1)) {
    const [node, ...more] = next.inboundNodes;
    const inputs = node?.inputTensors.map((t) => values.get(t.id)) ?? [];
    if (!node || more.length > 0 || inputs.some((t) => t === undefined)) {
      throw new GradCamConfigError(
        'layerName',
        layer.name,
        `a layer that every later layer of ${model.name} reads only through it (${next.name} does not)`,
      );
    }
    const outputs = next.apply(inputs.length === 1 ? inputs[0]! : (inputs as tfjs.Tensor[]), {
      training: false,
    });
    const list = Array.isArray(outputs) ? outputs : [outputs];
    node.outputTensors.forEach((t, i) => values.set(t.id, list[i] as tfjs.Tensor));
  }
  const output = values.get(model.outputs[0]?.id ?? -1);
  if (!output) {
    throw new GradCamConfigError(
      'layerName',
      layer.name,
      `a layer the output of ${model.name} is computed from`,
    );
  }
  return output;
}

/** Class scores [batch, classes] from a model's output: a single sigmoid column p becomes [1 - p, p]. */
function scoresOf(tf: Tf, output: tfjs.Tensor): tfjs.Tensor2D {
  const scores = tf.reshape(output, [output.shape[0] as number, -1]) as tfjs.Tensor2D;
  return scores.shape[1] === 1 ? tf.concat([tf.sub<tfjs.Tensor2D>(1, scores), scores], 1) : scores;
}
