import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { isDropout, leafLayers } from './model-randomness.js';

// tfjs computes a training-mode batch norm as moments + an inference-style batchNorm and derives
// its gradient from those pieces: about 30 full passes over every activation per layer, against one
// forward and one backward pass for TensorFlow's fused kernels (what Keras runs). ReLU's gradient
// is two passes (step, multiply) against one ReluGrad; swish (EfficientNet) is 3 passes forward and
// about 9 backward against 2 and 4 with SigmoidGrad. On ResNet50 these account for about half of a
// tfjs training step. This module routes them to native ops while the trainer runs; results agree
// with tfjs's own to float rounding (see the test). Dropout masks are drawn by TensorFlow's stateless
// random op from a seed tensor per layer and step, so a step is a pure function of its input tensors
// and can run as a graph (graph-step.ts); tfjs draws them in JavaScript.

/** The parts of tfjs-node's NodeJSKernelBackend we call; the class is not exported with types. */
interface NativeBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_FLOAT: number;
    TF_INT32: number;
  };
  executeSingleOutput(op: string, attrs: unknown[], inputs: tfjs.Tensor[]): tfjs.Tensor;
  executeMultipleOutputs(op: string, attrs: unknown[], inputs: tfjs.Tensor[], outputs: number): tfjs.Tensor[];
}

/** What we read of tfjs-layers' BatchNormalization (and subclasses such as FreezableBatchNormalization). */
interface BatchNormLayer {
  call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[];
  trainable: boolean;
  axis: number;
  epsilon: number;
  momentum: number;
  gamma?: tfjs.LayerVariable;
  beta?: tfjs.LayerVariable;
  movingMean: tfjs.LayerVariable;
  movingVariance: tfjs.LayerVariable;
}

const nativeBackend = (tf: Tf): NativeBackend | undefined =>
  tf.getBackend() === 'tensorflow' ? (tf.backend() as unknown as NativeBackend) : undefined;

let reluGradientRegistered = false;

/**
 * Makes ReLU's gradient one native ReluGrad op on the tensorflow backend (other backends keep
 * tfjs's formula). Gradient registrations are process-wide; this one computes the same values.
 */
export function registerNativeReluGradient(tf: Tf): void {
  if (reluGradientRegistered) return;
  reluGradientRegistered = true;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tfjs.Tensor];
      const native = nativeBackend(tf);
      return {
        x: () =>
          native && x.dtype === 'float32'
            ? native.executeSingleOutput('ReluGrad', [typeAttr(native, 'T')], [dy as tfjs.Tensor, x])
            : tf.mul(dy as tfjs.Tensor, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
}

/** What we read of layers with an `activation` (Activation, Conv2D, Dense, ...). */
interface ActivationLayer {
  activation: { getClassName(): string; apply(x: tfjs.Tensor): tfjs.Tensor };
}

/** What the trainer asks of the native kernels while they are in place. */
export interface NativeTrainingKernels {
  /**
   * Seed tensors, one per dropout layer, made from the seeds the layers hold now (seedDropoutLayers):
   * the next training pass draws its dropout masks from them. They stay valid until the next call,
   * and are inputs of the step (empty off the native backend, where tfjs draws from the numbers).
   */
  stepSeeds(): tfjs.Tensor[];
}

/**
 * Runs `fn` with the model's layers computing training batches with native TensorFlow ops, then
 * restores them: every trainable batch-norm layer uses FusedBatchNormV3 / FusedBatchNormGradV3
 * (updating its moving statistics as tfjs-layers does, with the biased batch variance), every
 * swish activation uses a custom gradient built on SigmoidGrad, and dropout draws its mask with
 * StatelessRandomUniform from stepSeeds(). Batch-norm layers in inference mode, frozen, or of a
 * shape the fused op does not take are left to tfjs.
 */
export async function withNativeTrainingKernels<T>(
  tf: Tf,
  model: tfjs.LayersModel,
  fn: (kernels: NativeTrainingKernels) => Promise<T>,
): Promise<T> {
  const native = nativeBackend(tf);
  if (!native) return fn({ stepSeeds: () => [] });
  const layers = leafLayers(model);
  const batchNorms = layers.filter(
    (l) => 'movingVariance' in l && 'movingMean' in l,
  ) as unknown as BatchNormLayer[];
  const swishes = layers.filter(
    (l) => (l as Partial<ActivationLayer>).activation?.getClassName() === 'swish',
  ) as unknown as ActivationLayer[];
  const originalActivations = swishes.map((l) => l.activation);
  const swish = nativeSwish(tf, native);

  for (const layer of batchNorms) {
    const own = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const fused =
        kwargs['training'] === true &&
        layer.trainable &&
        x?.rank === 4 &&
        x.dtype === 'float32' &&
        (layer.axis === -1 || layer.axis === 3) &&
        layer.gamma !== undefined &&
        layer.beta !== undefined;
      return fused ? fusedTrainingBatchNorm(tf, native, layer, x) : own(inputs, kwargs);
    };
  }
  for (const layer of swishes) layer.activation = { getClassName: () => 'swish', apply: swish };
  const dropouts = layers.filter(isDropout) as unknown as DropoutLayer[];
  const seeds = new Map<DropoutLayer, tfjs.Tensor>();
  for (const layer of dropouts) {
    const own = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const seed = seeds.get(layer);
      const drawNatively = kwargs['training'] === true && layer.rate > 0 && layer.rate < 1;
      return drawNatively && seed && x ? statelessDropout(tf, native, layer, x, seed) : own(inputs, kwargs);
    };
  }
  const kernels: NativeTrainingKernels = {
    stepSeeds() {
      tf.dispose([...seeds.values()]);
      for (const layer of dropouts) seeds.set(layer, seedTensor(tf, layer.seed ?? 0));
      return [...seeds.values()];
    },
  };
  try {
    return await fn(kernels);
  } finally {
    tf.dispose([...seeds.values()]);
    // Deleting the own property uncovers the class's call() again.
    for (const layer of dropouts) delete (layer as Partial<DropoutLayer>).call;
    for (const layer of batchNorms) delete (layer as Partial<BatchNormLayer>).call;
    swishes.forEach(
      (layer, i) => (layer.activation = originalActivations[i] as ActivationLayer['activation']),
    );
  }
}

/** What we read of tfjs-layers' Dropout (and SpatialDropout1D). */
interface DropoutLayer {
  call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[];
  rate: number;
  seed?: number;
  getNoiseShape(input: tfjs.Tensor): number[] | undefined;
}

/** A seed below 2^53 as the int32 pair [high, low] StatelessRandomUniform takes. */
function seedTensor(tf: Tf, seed: number): tfjs.Tensor {
  return tf.tensor1d([Math.floor(seed / 2 ** 32) | 0, (seed % 2 ** 32) | 0], 'int32');
}

/** tfjs's dropout formula, x * floor(u + keep) / keep, with u drawn natively from `seed`. */
function statelessDropout(
  tf: Tf,
  native: NativeBackend,
  layer: DropoutLayer,
  x: tfjs.Tensor,
  seed: tfjs.Tensor,
): tfjs.Tensor {
  return tf.tidy(() => {
    const shape = tf.tensor1d(layer.getNoiseShape(x) ?? x.shape, 'int32');
    const uniform = native.executeSingleOutput(
      'StatelessRandomUniform',
      [
        typeAttr(native, 'dtype'),
        typeAttr(native, 'T', native.binding.TF_INT32),
        typeAttr(native, 'Tseed', native.binding.TF_INT32),
      ],
      [shape, seed],
    );
    const keep = 1 - layer.rate;
    return tf.mul(x, tf.div(tf.floor(tf.add(uniform, keep)), keep));
  });
}

/** x * sigmoid(x), with gradient dy * s + x * SigmoidGrad(s, dy) where s = sigmoid(x). */
function nativeSwish(tf: Tf, native: NativeBackend): (x: tfjs.Tensor) => tfjs.Tensor {
  return tf.customGrad((...args: (tfjs.Tensor | ((saved: tfjs.Tensor[]) => void))[]) => {
    const [x, save] = args as [tfjs.Tensor, (s: tfjs.Tensor[]) => void];
    const s = tf.sigmoid(x);
    save([x, s]);
    return {
      value: tf.mul(x, s),
      gradFunc: (dy: tfjs.Tensor | tfjs.Tensor[], [input, sigmoid]: tfjs.Tensor[]) => {
        const dSigmoid = native.executeSingleOutput(
          'SigmoidGrad',
          [typeAttr(native, 'T')],
          [sigmoid as tfjs.Tensor, dy as tfjs.Tensor],
        );
        return [
          tf.add(tf.mul(dy as tfjs.Tensor, sigmoid as tfjs.Tensor), tf.mul(input as tfjs.Tensor, dSigmoid)),
        ];
      },
    };
  }) as (x: tfjs.Tensor) => tfjs.Tensor;
}

function fusedTrainingBatchNorm(
  tf: Tf,
  native: NativeBackend,
  layer: BatchNormLayer,
  x: tfjs.Tensor,
): tfjs.Tensor {
  const epsilon = { name: 'epsilon', type: native.binding.TF_ATTR_FLOAT, value: layer.epsilon };
  const common = [
    typeAttr(native, 'T'),
    typeAttr(native, 'U'),
    epsilon,
    { name: 'data_format', type: native.binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: native.binding.TF_ATTR_BOOL, value: true },
  ];
  let batchStatistics: tfjs.Tensor[] = [];
  const normalise = tf.customGrad((...args: (tfjs.Tensor | ((saved: tfjs.Tensor[]) => void))[]) => {
    const [input, gamma, beta, save] = args as [
      tfjs.Tensor,
      tfjs.Tensor,
      tfjs.Tensor,
      (s: tfjs.Tensor[]) => void,
    ];
    const empty = tf.tensor1d([], 'float32');
    // Outputs: y, batch mean, batch variance (Bessel-corrected), and three reserve spaces for the gradient.
    const [y, mean, variance, ...reserve] = native.executeMultipleOutputs(
      'FusedBatchNormV3',
      [...common, { name: 'exponential_avg_factor', type: native.binding.TF_ATTR_FLOAT, value: 1 }],
      [input, gamma, beta, empty, empty],
      6,
    );
    empty.dispose();
    batchStatistics = [tf.keep(mean as tfjs.Tensor), tf.keep(variance as tfjs.Tensor)];
    save([input, gamma, ...reserve]);
    return {
      value: y as tfjs.Tensor,
      gradFunc: (dy: tfjs.Tensor | tfjs.Tensor[], saved: tfjs.Tensor[]) => {
        const [dx, dGamma, dBeta, ...unused] = native.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          common,
          [dy as tfjs.Tensor, ...saved],
          5,
        );
        tf.dispose(unused);
        return [dx as tfjs.Tensor, dGamma as tfjs.Tensor, dBeta as tfjs.Tensor];
      },
    };
  });

  return tf.tidy(() => {
    const y = normalise(
      x,
      (layer.gamma as tfjs.LayerVariable).read(),
      (layer.beta as tfjs.LayerVariable).read(),
    );
    const [mean, unbiased] = batchStatistics as [tfjs.Tensor, tfjs.Tensor];
    const perChannel = x.size / (x.shape[3] as number);
    const variance = tf.mul(unbiased, (perChannel - 1) / perChannel);
    for (const [moving, batch] of [
      [layer.movingMean, mean],
      [layer.movingVariance, variance],
    ] as const) {
      const old = moving.read();
      moving.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - layer.momentum)));
    }
    tf.dispose([mean, unbiased]);
    return y;
  });
}

/** A type attribute of a native op: float32 unless `dtype` (a binding TF_* constant) says otherwise. */
function typeAttr(native: NativeBackend, name: string, dtype = native.binding.TF_FLOAT) {
  return { name, type: native.binding.TF_ATTR_TYPE, value: dtype };
}
