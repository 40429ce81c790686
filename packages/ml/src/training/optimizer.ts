import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { TrainConfigError } from '../errors.js';
import type { TensorRecord } from './tensor-records.js';
import { readTensorRecords, toNamedTensors } from './tensor-records.js';

/** Optimizer settings; defaults follow Keras (Adam beta1 0.9, beta2 0.999, epsilon 1e-7). */
export type OptimizerArgs =
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
  | { kind: 'sgd'; learningRate: number; momentum?: number; nesterov?: boolean };

export function validateOptimizer(args: OptimizerArgs): void {
  if (!(args.learningRate > 0 && Number.isFinite(args.learningRate))) {
    throw new TrainConfigError('optimizer.learningRate', args.learningRate, 'a positive number');
  }
  if (args.kind === 'sgd' && !((args.momentum ?? 0) >= 0 && (args.momentum ?? 0) < 1)) {
    throw new TrainConfigError('optimizer.momentum', args.momentum, 'a number in [0, 1)');
  }
  if (args.kind !== 'adam' && args.kind !== 'sgd') {
    throw new TrainConfigError('optimizer.kind', (args as { kind: unknown }).kind, "'adam' or 'sgd'");
  }
}

export function createOptimizer(tf: Tf, args: OptimizerArgs): tfjs.Optimizer {
  if (args.kind === 'adam') {
    return tf.train.adam(args.learningRate, args.beta1 ?? 0.9, args.beta2 ?? 0.999, args.epsilon ?? 1e-7);
  }
  const momentum = args.momentum ?? 0;
  return momentum > 0
    ? tf.train.momentum(args.learningRate, momentum, args.nesterov ?? false)
    : tf.train.sgd(args.learningRate);
}

/**
 * Sets the rate the next applyGradients uses. tfjs's Adam reads its public-in-JS `learningRate`
 * field on every step; SGD and momentum cache -rate in a scalar that setLearningRate replaces.
 */
export function setLearningRate(optimizer: tfjs.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/**
 * Everything the optimizer carries between steps, as host arrays: the step count, then Adam's m
 * and v (or momentum's accumulators) in the order of the trainable variables they belong to.
 */
export async function readOptimizerState(optimizer: tfjs.Optimizer): Promise<TensorRecord[]> {
  const named = await optimizer.getWeights();
  try {
    return await readTensorRecords(named.map((n) => ({ name: n.name, tensor: n.tensor })));
  } finally {
    // getWeights() returns a fresh scalar for the step count and the live slot variables after it.
    named[0]?.tensor.dispose();
  }
}

/** Restores readOptimizerState()'s output into a freshly created optimizer of the same kind. */
export async function restoreOptimizerState(
  tf: Tf,
  optimizer: tfjs.Optimizer,
  state: TensorRecord[],
): Promise<void> {
  const named = toNamedTensors(tf, state);
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights() wraps each value in a new variable that shares its data; ours can go.
    tf.dispose(named.map((n) => n.tensor));
  }
  if (optimizer.getClassName() === 'Adam') restoreAdamBiasCorrection(tf, optimizer);
}

/** The Adam fields tfjs keeps for its bias correction (beta^t). */
interface AdamInternals {
  beta1: number;
  beta2: number;
  accBeta1: tfjs.Variable;
  accBeta2: tfjs.Variable;
  iterations: number;
}

/**
 * An uninterrupted run multiplies Adam's beta^t accumulators by beta once per step in float32, while
 * setWeights() recomputes them as pow(beta, t + 1), which differs in the last bits, enough for a
 * resumed run to drift from the uninterrupted one. Redo the step-by-step float32 products (an exact
 * float32 product is the rounded double product of two float32 values).
 */
function restoreAdamBiasCorrection(tf: Tf, optimizer: tfjs.Optimizer): void {
  const adam = optimizer as unknown as AdamInternals;
  const accumulate = (beta: number): number => {
    const factor = Math.fround(beta);
    let acc = factor;
    for (let step = 0; step < adam.iterations; step++) acc = Math.fround(acc * factor);
    return acc;
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar(accumulate(adam.beta1)));
    adam.accBeta2.assign(tf.scalar(accumulate(adam.beta2)));
  });
}

/** Frees the optimizer's slot variables (and the learning-rate scalar tfjs 4.22's momentum dispose() misses). */
export function disposeOptimizer(optimizer: tfjs.Optimizer): void {
  optimizer.dispose();
  const leaked = (optimizer as unknown as { c?: tfjs.Tensor; m?: tfjs.Tensor }).c;
  if (optimizer.getClassName() === 'Momentum' && leaked && !leaked.isDisposed) leaked.dispose();
}
