import type { ArchitectureArgProblem } from '../../errors.js';
import { InvalidArchitectureArgsError } from '../../errors.js';
import type { ArchitectureArgs } from '../architecture-args.js';

/**
 * What a classical model's builder takes: the CNN builders' arguments, so the trial pipeline builds
 * both the same way, plus the L2 penalty. Settings that only a CNN has are refused rather than
 * ignored: includeTop must be true (the model is all classifier), widthMultiplier 1, dropout 0 and
 * imagenetWeights false. inputSize may be below the CNNs' 32 (e.g. MedMNIST's native 28).
 */
export interface ClassicalModelArgs extends ArchitectureArgs {
  /**
   * L2 penalty on the classifier's weights (not its bias): the training loss adds l2 * sum(w^2), as a
   * Keras kernelRegularizer does. Default 1e-3, about scikit-learn's C = 1 (1 / (2 C n)) for a few
   * hundred training images.
   */
  l2?: number;
}

/** ClassicalModelArgs with every default filled in. */
export interface ResolvedClassicalArgs {
  inputSize: number;
  channels: 1 | 3;
  numClasses: number;
  /** 'sigmoid': one independent output per label (multi-label); 'softmax': single-label classes. */
  classifierActivation: 'softmax' | 'sigmoid';
  l2: number;
  name: string;
}

const DEFAULT_L2 = 1e-3;

/**
 * Validates `args` up front and fills in the defaults; throws InvalidArchitectureArgsError listing
 * every bad field, the model's own (`defaults.problems`) included. `minimumSize` is the smallest input
 * side the model can describe.
 */
export function resolveClassicalArgs(
  args: ClassicalModelArgs,
  defaults: { name: string; minimumSize: number; problems?: readonly ArchitectureArgProblem[] },
): ResolvedClassicalArgs {
  const resolved: ResolvedClassicalArgs = {
    inputSize: args.inputSize,
    channels: args.channels,
    numClasses: args.numClasses,
    classifierActivation: args.classifierActivation ?? 'softmax',
    l2: args.l2 ?? DEFAULT_L2,
    name: args.name ?? defaults.name,
  };
  const problems: ArchitectureArgProblem[] = [...(defaults.problems ?? [])];
  const check = (field: keyof ClassicalModelArgs, ok: boolean, expected: string): void => {
    if (!ok) problems.push({ field, received: args[field], expected });
  };
  check(
    'inputSize',
    Number.isInteger(resolved.inputSize) && resolved.inputSize >= defaults.minimumSize,
    `a whole number >= ${defaults.minimumSize}`,
  );
  check('channels', resolved.channels === 1 || resolved.channels === 3, '1 or 3');
  check(
    'numClasses',
    Number.isInteger(resolved.numClasses) && resolved.numClasses >= 2,
    'a whole number >= 2',
  );
  check(
    'includeTop',
    args.includeTop === true,
    'true (a classical model has no base without its classifier)',
  );
  check(
    'widthMultiplier',
    args.widthMultiplier === undefined || args.widthMultiplier === 1,
    '1 or unset (a classical model has no width to scale)',
  );
  check(
    'dropout',
    args.dropout === undefined || args.dropout === 0,
    '0 or unset (a classical model has no dropout)',
  );
  check(
    'imagenetWeights',
    args.imagenetWeights === undefined || args.imagenetWeights === false,
    'false or unset (ImageNet weights exist only for CNN architectures)',
  );
  check('l2', Number.isFinite(resolved.l2) && resolved.l2 >= 0, 'a number >= 0');
  check('name', typeof resolved.name === 'string' && resolved.name.length > 0, 'a non-empty string');
  if (problems.length > 0) throw new InvalidArchitectureArgsError(defaults.name, problems);
  return resolved;
}

/**
 * Output columns of a classifier: one score for a binary task (class 1's), else one per class; one per
 * label for multi-label (sigmoid) outputs, whatever their number.
 */
export const outputColumns = (
  a: Pick<ResolvedClassicalArgs, 'numClasses' | 'classifierActivation'>,
): number => (a.numClasses === 2 && a.classifierActivation === 'softmax' ? 1 : a.numClasses);
