// The model a trial trains: its architecture at the spec's size, seeded initial weights, and for a
// pretrained arm the base weights of a local weights file with the spec's transfer mode. A classical
// model (logistic regression, HOG + linear SVM) trains from scratch with the loss its registry entry names.
import { modelFor } from '@medsweep/core/sweep';
import type { SweepSpec } from '@medsweep/core/sweep';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import type { Dataset } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { InvalidTransferModeError } from '../errors.js';
import { buildTrialClassifier } from '../evaluation/trained-model.js';
import { getModelType } from '../models/registry.js';
import type { TransferMode, TransferSummary } from '../models/transfer.js';
import { applyTransferMode } from '../models/transfer.js';
import { initializeWeights } from '../training/initialize-weights.js';
import type { TrainingLoss } from '../training/loss.js';
import { loadKerasWeights } from '../weights/load-keras-weights.js';
import { readKerasWeightsInput } from '../weights/save-keras-weights.js';
import type { SweepTrial } from './sweep-trial.js';

export interface TrialModel {
  model: tfjs.LayersModel;
  /** How images are fed to it: the recorded input of trial weights, ImageNet's for imported files. */
  input: ModelInputSpec;
  /** What its layers train (CNNs only; a classical model trains every weight). */
  transfer?: TransferSummary;
  /** What train() minimises: a classical model's registry loss; undefined (cross-entropy) for a CNN. */
  loss?: TrainingLoss;
  /** The layer Grad-CAM explains (CNNs only). */
  gradCamLayer?: string;
}

export interface BuildTrialModelArgs {
  tf: Tf;
  trial: Pick<SweepTrial, 'spec' | 'plan'>;
  dataset: Dataset;
  /**
   * Local path of the pretrained arm's Keras HDF5 weights (an imported file, or an earlier trial's
   * output weights, which record their input); undefined for scratch. Callers fetch it.
   */
  weightsPath?: string;
}

/**
 * Builds and initialises the trial's model; dispose it when done. Initial weights are drawn from the
 * trial's seed; a pretrained arm then loads its file's base layers by name (the head keeps its seeded
 * values, whatever head the file has) and trains as spec.transfer says. Scratch trains every layer.
 * A classical model takes the images scaled as its registry entry says and is never pretrained (the
 * spec refuses pretrained arms for it; a weights file here is refused too).
 */
export async function buildTrialModel({
  tf,
  trial,
  dataset,
  weightsPath,
}: BuildTrialModelArgs): Promise<TrialModel> {
  const { plan, spec } = trial;
  const architecture = getModelType(plan.architecture);
  if (architecture.kind === 'classical' && weightsPath !== undefined) {
    throw new InvalidTransferModeError(
      architecture.name,
      'a classical model trains from scratch only; accepted arm: scratch',
    );
  }
  const { inputSize: size, widthMultiplier } = modelFor(spec, plan.architecture);
  // Trial outputs record their input; an imported file without a record is ImageNet weights.
  const recorded = weightsPath === undefined ? undefined : await readKerasWeightsInput(weightsPath);
  const imagenet = weightsPath !== undefined && recorded === undefined;
  const channels = dataset.manifest.image.channels;
  const input: ModelInputSpec =
    architecture.kind === 'classical'
      ? { height: size, width: size, channels, preprocessing: architecture.preprocessing }
      : inputFor(architecture.imagenetPreprocessing, channels, size, imagenet, recorded);

  const model = buildTrialClassifier({
    architecture: plan.architecture,
    inputSize: size,
    widthMultiplier,
    ...(typeof plan.params['dropout'] === 'number' ? { dropout: plan.params['dropout'] } : {}),
    numClasses: dataset.manifest.numClasses,
    task: dataset.manifest.task,
    input,
    imagenetWeights: imagenet,
  });
  try {
    initializeWeights(tf, model, plan.seed);
    if (architecture.kind === 'classical') return { model, input, loss: architecture.loss };
    let mode: TransferMode = { kind: 'full' };
    if (weightsPath !== undefined) {
      // The base as a model of its own, sharing the layers: loading into it sets exactly the base's
      // weights, strictly, and never touches the new head.
      const base = tf.model({
        inputs: model.inputs,
        outputs: model.getLayer(architecture.featureLayer).output,
      });
      await loadKerasWeights(base, weightsPath);
      mode = transferMode(spec.transfer, architecture.name);
    }
    return {
      model,
      input,
      transfer: applyTransferMode(model, architecture.name, mode),
      gradCamLayer: architecture.gradCamLayer,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function inputFor(
  imagenetPreprocessing: ModelInputSpec['preprocessing'],
  datasetChannels: 1 | 3,
  size: number,
  imagenet: boolean,
  recorded: ModelInputSpec | undefined,
): ModelInputSpec {
  if (recorded) return { ...recorded, height: size, width: size };
  // EfficientNet rescales and normalises inside the model: it takes raw pixels, pretrained or not.
  const raw = imagenetPreprocessing === 'raw';
  if (!imagenet) {
    return {
      height: size,
      width: size,
      channels: datasetChannels,
      preprocessing: raw ? 'raw' : 'minus-one-one',
    };
  }
  // 'caffe' and 'torch' normalise the three ImageNet channels, so grey images are fed as RGB.
  return {
    height: size,
    width: size,
    channels: raw ? datasetChannels : 3,
    preprocessing: imagenetPreprocessing,
  };
}

function transferMode(transfer: SweepSpec['transfer'], architecture: string): TransferMode {
  switch (transfer.mode) {
    case 'frozen':
      return { kind: 'frozen' };
    case 'fine-tune-top':
      // The spec requires blocks in this mode; applyTransferMode rejects anything else with the reason.
      return { kind: 'fine-tune-top', blocks: transfer.blocks as number };
    case 'full':
      return { kind: 'full' };
    default: {
      const unknown: never = transfer.mode;
      throw new InvalidTransferModeError(
        architecture,
        `unknown mode ${String(unknown)}; accepted: frozen, fine-tune-top, full`,
      );
    }
  }
}
