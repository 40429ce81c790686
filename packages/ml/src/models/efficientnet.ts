import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgs } from './architecture-args.js';
import { resolveArchitectureArgs } from './architecture-args.js';
import type { Initializer, Node } from './functional.js';
import { apply, batchNorm, predictions, topDropout } from './functional.js';
import { Normalization } from './layers/normalization.js';
import { PerChannelRescaling } from './layers/per-channel-rescaling.js';

/** One row of EfficientNet's block table: `repeats` MBConv blocks with these settings. */
export interface MBConvStage {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  /** Add the input back when the block keeps the shape (stride 1, filtersIn == filtersOut). */
  idSkip: boolean;
  /** Stride of the stage's first block; the others have stride 1. */
  strides: number;
  /** Squeeze-and-excitation width as a share of filtersIn (0 for none). */
  seRatio: number;
}

/** The settings of one MBConv block, after width scaling. */
export type MBConvBlock = Omit<MBConvStage, 'repeats'>;

// EfficientNet's block table, DEFAULT_BLOCKS_ARGS in Keras' efficientnet.py; every stage has
// id_skip=True and se_ratio=0.25.
//  kernelSize repeats filtersIn filtersOut expandRatio strides
const BLOCK_TABLE = [
  [3, 1, 32, 16, 1, 1],
  [3, 2, 16, 24, 6, 2],
  [5, 2, 24, 40, 6, 2],
  [3, 3, 40, 80, 6, 2],
  [5, 3, 80, 112, 6, 1],
  [5, 4, 112, 192, 6, 2],
  [3, 1, 192, 320, 6, 1],
] as const;

/** EfficientNet's stages at width and depth 1, from Keras' block table. */
export const EFFICIENTNET_STAGES: readonly MBConvStage[] = BLOCK_TABLE.map(
  ([kernelSize, repeats, filtersIn, filtersOut, expandRatio, strides]) => ({
    kernelSize,
    repeats,
    filtersIn,
    filtersOut,
    expandRatio,
    idSkip: true,
    strides,
    seRatio: 0.25,
  }),
);

/** Per-channel ImageNet standard deviation (RGB) the published weights were trained with. */
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];
const ACTIVATION = 'swish';
const DEPTH_DIVISOR = 8;

/** Keras' CONV_KERNEL_INITIALIZER: a fan-out He-style truncated normal. */
const convInitializer = (): Initializer =>
  tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal' });
/** Keras' DENSE_KERNEL_INITIALIZER. */
const denseInitializer = (): Initializer =>
  tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanOut', distribution: 'uniform' });

/** Scaling coefficients and defaults of an EfficientNet variant. */
interface EfficientNetVariant {
  name: string;
  widthCoefficient: number;
  depthCoefficient: number;
  dropout: number;
  /** Largest stochastic-depth drop rate, reached by the last block. */
  dropConnectRate: number;
}

/**
 * EfficientNet (Tan & Le 2019) as Keras builds it: the input is rescaled from [0, 255] and normalised
 * inside the model (feed raw pixels), a 3x3/2 stem, the MBConv blocks of EFFICIENTNET_STAGES with
 * squeeze-and-excitation and stochastic depth, and a 1x1 `top_conv`; the head is global average
 * pooling, `top_dropout` (`dropout`, default 0.2) and the softmax classifier. The width multiplier
 * multiplies the variant's width coefficient, rounded to multiples of 8 as Keras does.
 */
export function efficientnet(args: ArchitectureArgs, variant: EfficientNetVariant): tf.LayersModel {
  const a = resolveArchitectureArgs(args, { name: variant.name, dropout: variant.dropout });
  const width = (filters: number): number =>
    roundFilters(filters, variant.widthCoefficient * a.widthMultiplier, DEPTH_DIVISOR);
  const depth = (repeats: number): number => Math.ceil(variant.depthCoefficient * repeats);
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });

  let x = apply(tf.layers.rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
  x = apply(new Normalization({ name: 'normalization' }), x);
  if (a.imagenetWeights) {
    // Grey input: one channel gets the mean of the three factors, like the summed stem kernel.
    const factors = IMAGENET_STDDEV_RGB.map((std) => 1 / Math.sqrt(std));
    const scale = a.channels === 3 ? factors : [factors.reduce((s, f) => s + f, 0) / factors.length];
    x = apply(new PerChannelRescaling({ scale, name: 'rescaling_1' }), x);
  }
  x = apply(tf.layers.zeroPadding2d({ padding: correctPad(x, 3), name: 'stem_conv_pad' }), x);
  const stem = tf.layers.conv2d({
    filters: width(32),
    kernelSize: 3,
    strides: 2,
    padding: 'valid',
    useBias: false,
    kernelInitializer: convInitializer(),
    name: 'stem_conv',
  });
  x = batchNorm(apply(stem, x), 'stem_bn');
  x = apply(tf.layers.activation({ activation: ACTIVATION, name: 'stem_activation' }), x);

  const totalBlocks = EFFICIENTNET_STAGES.reduce((n, stage) => n + depth(stage.repeats), 0);
  let b = 0;
  EFFICIENTNET_STAGES.forEach((stage, i) => {
    const repeats = depth(stage.repeats);
    for (let j = 0; j < repeats; j++) {
      const block: MBConvBlock = {
        ...stage,
        filtersIn: j === 0 ? width(stage.filtersIn) : width(stage.filtersOut),
        filtersOut: width(stage.filtersOut),
        strides: j === 0 ? stage.strides : 1,
      };
      const name = `block${i + 1}${String.fromCharCode(97 + j)}`;
      x = mbConvBlock(x, block, (variant.dropConnectRate * b) / totalBlocks, name);
      b++;
    }
  });

  const top = tf.layers.conv2d({
    filters: width(1280),
    kernelSize: 1,
    padding: 'same',
    useBias: false,
    kernelInitializer: convInitializer(),
    name: 'top_conv',
  });
  x = batchNorm(apply(top, x), 'top_bn');
  x = apply(tf.layers.activation({ activation: ACTIVATION, name: 'top_activation' }), x);

  if (a.includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
    x = predictions(topDropout(x, a.dropout), a.numClasses, a.classifierActivation, denseInitializer());
  }
  return tf.model({ inputs: input, outputs: x, name: a.name });
}

/**
 * Keras' `block`, an inverted residual (MBConv) block `<name>_*`: 1x1 expansion, depthwise
 * convolution, squeeze-and-excitation, 1x1 projection, and, when the shape is kept, the input added
 * back after stochastic depth at `dropRate`.
 */
export function mbConvBlock(inputs: Node, block: MBConvBlock, dropRate: number, name: string): Node {
  const filters = block.filtersIn * block.expandRatio;
  let x = inputs;
  if (block.expandRatio !== 1) {
    const expand = tf.layers.conv2d({
      filters,
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: convInitializer(),
      name: `${name}_expand_conv`,
    });
    x = batchNorm(apply(expand, x), `${name}_expand_bn`);
    x = apply(tf.layers.activation({ activation: ACTIVATION, name: `${name}_expand_activation` }), x);
  }

  if (block.strides === 2) {
    x = apply(
      tf.layers.zeroPadding2d({ padding: correctPad(x, block.kernelSize), name: `${name}_dwconv_pad` }),
      x,
    );
  }
  const depthwise = tf.layers.depthwiseConv2d({
    kernelSize: block.kernelSize,
    strides: block.strides,
    padding: block.strides === 2 ? 'valid' : 'same',
    useBias: false,
    depthwiseInitializer: convInitializer(),
    name: `${name}_dwconv`,
  });
  x = batchNorm(apply(depthwise, x), `${name}_bn`);
  x = apply(tf.layers.activation({ activation: ACTIVATION, name: `${name}_activation` }), x);

  if (block.seRatio > 0 && block.seRatio <= 1) x = squeezeExcite(x, filters, block, name);

  const project = tf.layers.conv2d({
    filters: block.filtersOut,
    kernelSize: 1,
    padding: 'same',
    useBias: false,
    kernelInitializer: convInitializer(),
    name: `${name}_project_conv`,
  });
  x = batchNorm(apply(project, x), `${name}_project_bn`);
  if (block.idSkip && block.strides === 1 && block.filtersIn === block.filtersOut) {
    if (dropRate > 0) {
      // Stochastic depth: drop the whole residual branch per sample (noise shape [batch, 1, 1, 1]).
      const noiseShape = [null, 1, 1, 1] as unknown as number[];
      x = apply(tf.layers.dropout({ rate: dropRate, noiseShape, name: `${name}_drop` }), x);
    }
    x = apply(tf.layers.add({ name: `${name}_add` }), [x, inputs]);
  }
  return x;
}

/** Squeeze-and-excitation: channel weights from a global average, through a bottleneck of seRatio x filtersIn. */
function squeezeExcite(x: Node, filters: number, block: MBConvBlock, name: string): Node {
  const filtersSe = Math.max(1, Math.floor(block.filtersIn * block.seRatio));
  let se = apply(tf.layers.globalAveragePooling2d({ name: `${name}_se_squeeze` }), x);
  se = apply(tf.layers.reshape({ targetShape: [1, 1, filters], name: `${name}_se_reshape` }), se);
  const reduce = tf.layers.conv2d({
    filters: filtersSe,
    kernelSize: 1,
    padding: 'same',
    activation: ACTIVATION,
    kernelInitializer: convInitializer(),
    name: `${name}_se_reduce`,
  });
  const expand = tf.layers.conv2d({
    filters,
    kernelSize: 1,
    padding: 'same',
    activation: 'sigmoid',
    kernelInitializer: convInitializer(),
    name: `${name}_se_expand`,
  });
  se = apply(expand, apply(reduce, se));
  return apply(tf.layers.multiply({ name: `${name}_se_excite` }), [x, se]);
}

/** Keras' `round_filters`: scale, round to a multiple of `divisor`, never more than 10% down. */
export function roundFilters(filters: number, widthCoefficient: number, divisor: number): number {
  const scaled = filters * widthCoefficient;
  let rounded = Math.max(divisor, Math.floor(Math.trunc(scaled + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * scaled) rounded += divisor;
  return rounded;
}

/** Keras' `correct_pad`: the zero padding before a strided valid convolution, one less on top/left for even sizes. */
function correctPad(x: Node, kernelSize: number): [[number, number], [number, number]] {
  const [, height, width] = x.shape as number[];
  const correct = Math.floor(kernelSize / 2);
  return [
    [correct - (1 - (height! % 2)), correct],
    [correct - (1 - (width! % 2)), correct],
  ];
}

/** EfficientNetB0: base 4,049,571 parameters at width 1 (7 of them the input Normalization's). */
export function efficientnetb0(args: ArchitectureArgs): tf.LayersModel {
  return efficientnet(args, {
    name: 'efficientnetb0',
    widthCoefficient: 1,
    depthCoefficient: 1,
    dropout: 0.2,
    dropConnectRate: 0.2,
  });
}
