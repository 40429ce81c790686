import type * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../data/preprocess.js';
import { UnknownArchitectureError } from '../errors.js';
import type { TrainingLoss } from '../training/loss.js';
import type { ArchitectureArgs } from './architecture-args.js';
import type { ClassicalModelArgs } from './classical/classical-args.js';
import { SVM_MARGIN_LAYER, hogLinearSvm } from './classical/hog-linear-svm.js';
import { logisticRegression } from './classical/logistic-regression.js';
import { DENSENET121_BLOCKS, densenet121 } from './densenet.js';
import { EFFICIENTNET_STAGES, efficientnetb0 } from './efficientnet.js';
import { RESNET50_STAGES, resnet50 } from './resnet.js';
import { SQUEEZENET11_FIRES, squeezenet11 } from './squeezenet.js';
import { VGG16_BLOCKS, vgg16 } from './vgg16.js';

export type ArchitectureName = 'vgg16' | 'resnet50' | 'densenet121' | 'efficientnetb0' | 'squeezenet1_1';

/**
 * How pixels (0-255, RGB) must be prepared for an architecture's ImageNet weights, named after
 * Keras' preprocess_input modes: 'caffe' (RGB to BGR, minus the ImageNet BGR means, not scaled),
 * 'torch' (x / 255, minus the ImageNet mean, over its std), 'raw' (pixels as they are: the model
 * rescales and normalises them itself).
 */
export type ImagenetPreprocessing = 'caffe' | 'torch' | 'raw';

/**
 * A unit of the pretrained base for fine-tuning ("unfreeze the top N blocks"): the layers whose
 * name is one of `layerPrefixes` or starts with one of them followed by `_` or `/`.
 */
export interface TransferBlock {
  name: string;
  layerPrefixes: readonly string[];
}

/** The published Keras ImageNet weights without the classifier (`_notop`), as Keras' applications fetch them. */
export interface ImagenetWeightsFile {
  fileName: string;
  url: string;
  md5: string;
}

/** A CNN: ImageNet weights exist for it, its width scales, and Grad-CAM explains it. */
export interface ArchitectureSpec {
  kind: 'cnn';
  name: ArchitectureName;
  family: 'vgg' | 'resnet' | 'densenet' | 'efficientnet' | 'squeezenet';
  build: (args: ArchitectureArgs) => tf.LayersModel;
  /** What the ImageNet weights expect of the input pixels. */
  imagenetPreprocessing: ImagenetPreprocessing;
  imagenetWeights: ImagenetWeightsFile;
  /**
   * The base's blocks, input to output. Together they cover every layer of the base that has weights;
   * layers with weights outside them are the classification head.
   */
  blocks: readonly TransferBlock[];
  /** The layer whose output is the base's last feature map (the model's output without head). */
  featureLayer: string;
  /**
   * The last convolutional feature map, which Grad-CAM weighs by its gradients: featureLayer, except
   * VGG16's last convolution before its final pooling (twice the resolution, as the Grad-CAM paper's conv5_3).
   */
  gradCamLayer: string;
}

const KERAS_APPLICATIONS = 'https://storage.googleapis.com/tensorflow/keras-applications';

/** A block whose layers all start with its own name, e.g. `block1` for `block1_conv1`. */
const block = (name: string): TransferBlock => ({ name, layerPrefixes: [name] });

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export const ARCHITECTURES: Readonly<Record<ArchitectureName, ArchitectureSpec>> = {
  vgg16: {
    kind: 'cnn',
    name: 'vgg16',
    family: 'vgg',
    build: vgg16,
    imagenetPreprocessing: 'caffe',
    imagenetWeights: {
      fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: `${KERAS_APPLICATIONS}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      md5: '6d6bbae143d832006294945121d1f1fc',
    },
    blocks: VGG16_BLOCKS.map((_, i) => block(`block${i + 1}`)),
    featureLayer: 'block5_pool',
    gradCamLayer: 'block5_conv3',
  },
  resnet50: {
    kind: 'cnn',
    name: 'resnet50',
    family: 'resnet',
    build: resnet50,
    imagenetPreprocessing: 'caffe',
    imagenetWeights: {
      fileName: 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: `${KERAS_APPLICATIONS}/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      md5: '4d473c1dd8becc155b73f8504c6f6626',
    },
    blocks: [
      { name: 'stem', layerPrefixes: ['conv1'] },
      ...RESNET50_STAGES.flatMap((stage) => range(stage.blocks).map((b) => block(`${stage.name}_block${b}`))),
    ],
    featureLayer: 'conv5_block3_out',
    gradCamLayer: 'conv5_block3_out',
  },
  densenet121: {
    kind: 'cnn',
    name: 'densenet121',
    family: 'densenet',
    build: densenet121,
    imagenetPreprocessing: 'torch',
    imagenetWeights: {
      fileName: 'densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: `${KERAS_APPLICATIONS}/densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      md5: '30ee3e1110167f948a6b9946edeeb738',
    },
    blocks: [
      { name: 'stem', layerPrefixes: ['conv1'] },
      ...DENSENET121_BLOCKS.flatMap((blocks, i) => [
        ...range(blocks).map((b) => block(`conv${i + 2}_block${b}`)),
        ...(i < DENSENET121_BLOCKS.length - 1 ? [block(`pool${i + 2}`)] : []),
      ]),
      { name: 'top', layerPrefixes: ['bn'] },
    ],
    featureLayer: 'relu',
    gradCamLayer: 'relu',
  },
  efficientnetb0: {
    kind: 'cnn',
    name: 'efficientnetb0',
    family: 'efficientnet',
    build: efficientnetb0,
    imagenetPreprocessing: 'raw',
    imagenetWeights: {
      fileName: 'efficientnetb0_notop.h5',
      url: 'https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5',
      md5: '50bc09e76180e00e4465e1a485ddc09d',
    },
    blocks: [
      { name: 'stem', layerPrefixes: ['normalization', 'stem'] },
      ...EFFICIENTNET_STAGES.flatMap((stage, i) =>
        range(stage.repeats).map((j) => block(`block${i + 1}${String.fromCharCode(96 + j)}`)),
      ),
      { name: 'top', layerPrefixes: ['top_conv', 'top_bn'] },
    ],
    featureLayer: 'top_activation',
    gradCamLayer: 'top_activation',
  },
  squeezenet1_1: {
    kind: 'cnn',
    name: 'squeezenet1_1',
    family: 'squeezenet',
    build: squeezenet11,
    imagenetPreprocessing: 'caffe',
    imagenetWeights: {
      fileName: 'squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: 'https://github.com/rcmalli/keras-squeezenet/releases/download/v1.0/squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5',
      md5: '80b66c92d79d4310e07fb60a297bf0d1',
    },
    blocks: [block('conv1'), ...SQUEEZENET11_FIRES.map((fire) => block(fire.name))],
    featureLayer: 'fire9/concat',
    gradCamLayer: 'fire9/concat',
  },
};

export const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES) as ArchitectureName[];

/** The spec of a named CNN; throws UnknownArchitectureError (getModelType() also knows classical models). */
export function getArchitecture(name: string): ArchitectureSpec {
  if (!Object.hasOwn(ARCHITECTURES, name)) throw new UnknownArchitectureError(name, ARCHITECTURE_NAMES);
  return ARCHITECTURES[name as ArchitectureName];
}

export type ClassicalModelName = 'logistic-regression' | 'hog-linear-svm';

/**
 * A classical baseline (the paper's "traditional methods"): a linear classifier on pixels or on
 * hand-made features, trained from scratch by the same trainer as the CNNs. No ImageNet weights, no
 * width multiplier, no Grad-CAM.
 */
export interface ClassicalModelSpec {
  kind: 'classical';
  name: ClassicalModelName;
  build: (args: ClassicalModelArgs) => tf.LayersModel;
  /** How its input pixels are scaled. */
  preprocessing: Preprocessing;
  /** What train() minimises for it. */
  loss: TrainingLoss;
}

export const CLASSICAL_MODELS: Readonly<Record<ClassicalModelName, ClassicalModelSpec>> = {
  'logistic-regression': {
    kind: 'classical',
    name: 'logistic-regression',
    build: logisticRegression,
    preprocessing: 'unit',
    loss: { kind: 'cross-entropy' },
  },
  'hog-linear-svm': {
    kind: 'classical',
    name: 'hog-linear-svm',
    build: hogLinearSvm,
    // HOG is computed from the [0, 1] image, as scikit-image's of an image scaled to [0, 1].
    preprocessing: 'unit',
    loss: { kind: 'squared-hinge', marginLayer: SVM_MARGIN_LAYER },
  },
};

/** Every model a sweep spec's `architectures` may name: a CNN or a classical baseline. */
export type ModelTypeName = ArchitectureName | ClassicalModelName;
export type ModelTypeSpec = ArchitectureSpec | ClassicalModelSpec;

export const MODEL_TYPES: Readonly<Record<ModelTypeName, ModelTypeSpec>> = {
  ...ARCHITECTURES,
  ...CLASSICAL_MODELS,
};

export const MODEL_TYPE_NAMES = Object.keys(MODEL_TYPES) as ModelTypeName[];

/** The spec of a named CNN or classical model, e.g. from a sweep spec; throws UnknownArchitectureError. */
export function getModelType(name: string): ModelTypeSpec {
  if (!Object.hasOwn(MODEL_TYPES, name)) throw new UnknownArchitectureError(name, MODEL_TYPE_NAMES);
  return MODEL_TYPES[name as ModelTypeName];
}

/** The block of `spec` a layer belongs to, or undefined for a layer outside the base (the head, inputs). */
export function blockOfLayer(spec: ArchitectureSpec, layerName: string): TransferBlock | undefined {
  return spec.blocks.find((b) =>
    b.layerPrefixes.some(
      (p) => layerName === p || layerName.startsWith(`${p}_`) || layerName.startsWith(`${p}/`),
    ),
  );
}
