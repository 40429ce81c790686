// A trial's classifier: its architecture at the trial's size, with the head for the dataset's classes.
// The train activity builds it to train; `medsweep verify` builds it again to load the stored output
// weights into and re-evaluate them.
import type * as tfjs from '@tensorflow/tfjs';
import type { TaskType } from '@medsweep/core';
import type { ModelInputSpec } from '../data/preprocess.js';
import { TrainedWeightsInputMissingError } from '../errors.js';
import { getModelType } from '../models/registry.js';
import { loadKerasWeights } from '../weights/load-keras-weights.js';
import { readKerasWeightsInput } from '../weights/save-keras-weights.js';

export interface TrialClassifierArgs {
  /** Model registry name: a CNN, e.g. `vgg16`, or a classical model, e.g. `logistic-regression`. */
  architecture: string;
  /** Square input size in pixels (the trial's model.inputSize). */
  inputSize: number;
  /** The trial's model.widthMultiplier (1 for a classical model, which refuses any other). */
  widthMultiplier: number;
  /** The trial's dropout parameter, when it sets one; else the architecture's own (classical models: none). */
  dropout?: number;
  numClasses: number;
  /** The dataset's task: multi-label gets one sigmoid per label, every other task (default) a softmax. */
  task?: TaskType;
  /** How images are fed; its channels are the model's input channels. */
  input: ModelInputSpec;
  /** Built to receive imported ImageNet weights (only EfficientNet differs; see ArchitectureArgs). */
  imagenetWeights: boolean;
}

/** The trial's classifier with fresh (unseeded) weights; dispose it when done. */
export function buildTrialClassifier(args: TrialClassifierArgs): tfjs.LayersModel {
  return getModelType(args.architecture).build({
    inputSize: args.inputSize,
    channels: args.input.channels,
    numClasses: args.numClasses,
    classifierActivation: args.task === 'multi-label, binary-class' ? 'sigmoid' : 'softmax',
    includeTop: true,
    widthMultiplier: args.widthMultiplier,
    ...(args.dropout === undefined ? {} : { dropout: args.dropout }),
    imagenetWeights: args.imagenetWeights,
  });
}

export interface LoadTrainedModelArgs extends Omit<TrialClassifierArgs, 'input'> {
  /** Local path of a trial's output weights (saveKerasWeights with its input recorded). */
  weightsPath: string;
}

/**
 * The trial's classifier with its output weights loaded, every layer strictly, and the input it was
 * trained on (recorded in the file). Throws TrainedWeightsInputMissingError for a file without that
 * record, and loadKerasWeights' errors for a file that is damaged or does not fit the model.
 */
export async function loadTrainedModel(
  args: LoadTrainedModelArgs,
): Promise<{ model: tfjs.LayersModel; input: ModelInputSpec }> {
  const recorded = await readKerasWeightsInput(args.weightsPath);
  if (recorded === undefined) throw new TrainedWeightsInputMissingError(args.weightsPath);
  const input = { ...recorded, height: args.inputSize, width: args.inputSize };
  const model = buildTrialClassifier({ ...args, input });
  try {
    await loadKerasWeights(model, args.weightsPath);
    return { model, input };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
