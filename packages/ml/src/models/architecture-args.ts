import type { ArchitectureArgProblem } from '../errors.js';
import { InvalidArchitectureArgsError } from '../errors.js';

/** The activation of a classification head. */
export type ClassifierActivation = 'softmax' | 'sigmoid';

/** What every architecture builder takes. */
export interface ArchitectureArgs {
  /** Height and width of the square input images in pixels; at least 32, Keras' minimum for these models. */
  inputSize: number;
  /** Input channels: 1 for greyscale, 3 for RGB. */
  channels: 1 | 3;
  /** Classes (labels, for multi-label) of the head (at least 2); unused without the head. */
  numClasses: number;
  /**
   * The head's activation, Keras' classifier_activation: 'softmax' (default) over the classes of a
   * single-label task, 'sigmoid' per label for a multi-label one (independent 0/1 labels).
   */
  classifierActivation?: ClassifierActivation;
  /**
   * Add the architecture's Keras classification head (include_top) with numClasses outputs; without
   * it the model outputs the base's last feature map, as Keras' include_top=false with pooling=None.
   */
  includeTop: boolean;
  /**
   * Scales every filter and unit count, for small CPUs; 1 (default) gives exactly Keras' layers and
   * parameter counts, and only then do ImageNet weights fit.
   */
  widthMultiplier?: number;
  /** Dropout rate before the classifier; defaults to the architecture's own (see each builder). */
  dropout?: number;
  /** Model name; defaults to the architecture's Keras name. */
  name?: string;
  /**
   * Build the variant that ImageNet weights are loaded into. Only EfficientNet differs: Keras then adds
   * a Rescaling after its input Normalization, because the published weights store the ImageNet
   * standard deviation where the variance belongs (tensorflow/tensorflow#49930).
   */
  imagenetWeights?: boolean;
}

/** ArchitectureArgs with every default filled in. */
export type ResolvedArchitectureArgs = Required<ArchitectureArgs>;

/** The defaults that differ between architectures. */
export interface ArchitectureDefaults {
  name: string;
  dropout: number;
}

/** Validates `args` up front and fills in the defaults; throws InvalidArchitectureArgsError listing every bad field. */
export function resolveArchitectureArgs(
  args: ArchitectureArgs,
  defaults: ArchitectureDefaults,
): ResolvedArchitectureArgs {
  const resolved: ResolvedArchitectureArgs = {
    inputSize: args.inputSize,
    channels: args.channels,
    numClasses: args.numClasses,
    classifierActivation: args.classifierActivation ?? 'softmax',
    includeTop: args.includeTop,
    widthMultiplier: args.widthMultiplier ?? 1,
    dropout: args.dropout ?? defaults.dropout,
    name: args.name ?? defaults.name,
    imagenetWeights: args.imagenetWeights ?? false,
  };
  const problems: ArchitectureArgProblem[] = [];
  const check = (field: keyof ArchitectureArgs, ok: boolean, expected: string): void => {
    if (!ok) problems.push({ field, received: resolved[field], expected });
  };
  check(
    'inputSize',
    Number.isInteger(resolved.inputSize) && resolved.inputSize >= 32,
    'a whole number >= 32',
  );
  check('channels', resolved.channels === 1 || resolved.channels === 3, '1 or 3');
  check(
    'numClasses',
    Number.isInteger(resolved.numClasses) && resolved.numClasses >= 2,
    'a whole number >= 2',
  );
  check(
    'classifierActivation',
    resolved.classifierActivation === 'softmax' || resolved.classifierActivation === 'sigmoid',
    "'softmax' or 'sigmoid'",
  );
  check('includeTop', typeof resolved.includeTop === 'boolean', 'true or false');
  check(
    'widthMultiplier',
    Number.isFinite(resolved.widthMultiplier) &&
      resolved.widthMultiplier > 0 &&
      resolved.widthMultiplier <= 4,
    'a number in (0, 4]',
  );
  check(
    'dropout',
    Number.isFinite(resolved.dropout) && resolved.dropout >= 0 && resolved.dropout < 1,
    'a rate in [0, 1)',
  );
  check('name', typeof resolved.name === 'string' && resolved.name.length > 0, 'a non-empty string');
  if (problems.length > 0) throw new InvalidArchitectureArgsError(defaults.name, problems);
  return resolved;
}

/** A Keras filter or unit count scaled by the width multiplier, never below 1. */
export function scaleWidth(count: number, widthMultiplier: number): number {
  return Math.max(1, Math.round(count * widthMultiplier));
}
