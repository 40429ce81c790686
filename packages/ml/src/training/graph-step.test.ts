import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { createGraphStep } from './graph-step.js';
import { maxWeightDifference, trainTiny } from './test-support/tiny-run.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

/** A step of plain SGD on a linear model: loss = mean((x w - y)^2), w -= rate * gradient. */
function linearStep(
  w: tfjs.Variable,
  x: tfjs.Tensor,
  y: tfjs.Tensor,
  rate: tfjs.Tensor,
  noise?: () => tfjs.Tensor,
) {
  return () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const predicted = tf.matMul(x, w);
        const residual = tf.sub(noise ? tf.add(predicted, noise()) : predicted, y);
        return tf.mean(tf.square(residual)) as tfjs.Scalar;
      }, [w]);
      w.assign(tf.sub(w, tf.mul(grads[w.name] as tfjs.Tensor, rate)));
      return value;
    });
}

describe('createGraphStep', () => {
  it('runs every step after the first two of an epoch as a graph computing what the eager step computes', () => {
    const eagerW = tf.variable(tf.tensor2d([[0.5], [-0.25], [1]]));
    const graphW = tf.variable(eagerW.clone());
    const steps = createGraphStep(tf);
    let counted = 0;
    for (let i = 0; i < 6; i++) {
      tf.tidy(() => {
        const x = tf.randomNormal([8, 3], 0, 1, 'float32', i);
        const y = tf.randomNormal([8, 1], 0, 1, 'float32', 100 + i);
        const rate = tf.scalar(0.1 / (i + 1));
        const expected = linearStep(eagerW, x, y, rate)();
        const actual = steps.run([x, y, rate], linearStep(graphW, x, y, rate), () => (counted += 1));
        expect(actual.dataSync()[0]).toBeCloseTo(expected.dataSync()[0] as number, 6);
        expect(
          maxWeightDifference([graphW.dataSync() as Float32Array], [eagerW.dataSync() as Float32Array]),
        ).toBeLessThan(1e-6);
      });
    }
    // Steps 0 and 1 are traced and agree, so steps 2 to 5 ran as the graph, each with its afterGraph.
    expect(steps.execution).toEqual({ graphSteps: 4, eagerSteps: 2, eagerReasons: [] });
    expect(counted).toBe(4);

    // A new epoch begins with two eager steps again, whatever was compiled before.
    steps.startEpoch();
    const x = tf.ones([8, 3]);
    const y = tf.zeros([8, 1]);
    const rate = tf.scalar(0.01);
    for (let i = 0; i < 3; i++)
      tf.dispose(steps.run([x, y, rate], linearStep(graphW, x, y, rate), () => undefined));
    expect(steps.execution).toMatchObject({ graphSteps: 5, eagerSteps: 4 });
    steps.dispose();
    tf.dispose([eagerW, graphW, x, y, rate]);
  });

  it('keeps a step eager, saying why, when it uses noise drawn in JavaScript rather than an input', () => {
    let draw = 0;
    const noise = () => tf.randomUniform([4, 1], 0, 1, 'float32', draw++);
    const { execution } = fourLinearSteps((w, x, y, rate) => linearStep(w, x, y, rate, noise));
    expect(execution.graphSteps).toBe(0);
    expect(execution.eagerReasons).toEqual([
      'a constant of shape [4, 1] changes from step to step (a value or noise made in JavaScript)',
    ]);
  });

  it('keeps a step eager when it reads a value that varies from step to step into JavaScript', () => {
    const { execution } = fourLinearSteps((w, x, y, rate) => () => {
      const loss = linearStep(w, x, y, rate)();
      // A step that branches on a computed value cannot be frozen into a graph.
      if ((loss.dataSync()[0] as number) > 1e9) throw new Error('diverged');
      return loss;
    });
    expect(execution).toEqual({
      graphSteps: 0,
      eagerSteps: 4,
      eagerReasons: ['the step reads a varying value back into JavaScript'],
    });
  });

  it('goes on eagerly, saying why, when TensorFlow cannot load the graph', () => {
    const tmp = process.env['TMPDIR'];
    // The graph is handed to TensorFlow as a SavedModel in a temporary folder: make that impossible.
    process.env['TMPDIR'] = '/nonexistent/medsweep-graph-step-test';
    try {
      const { execution, finalW } = fourLinearSteps(linearStep);
      expect(execution).toEqual({
        graphSteps: 0,
        eagerSteps: 4,
        eagerReasons: [expect.stringMatching(/^TensorFlow could not run the step's graph: .*nonexistent/)],
      });
      // Four eager steps of rate 0.1 on loss mean((x w - 1)^2) from w = 0: w moved every step.
      expect(finalW[0]).toBeGreaterThan(0);
    } finally {
      if (tmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = tmp;
    }
  });
});

/** Four steps of `makeStep` on w = 0, x = 1 [4, 3], y = 1 [4, 1], rate 0.1 through one GraphStep. */
function fourLinearSteps(
  makeStep: (w: tfjs.Variable, x: tfjs.Tensor, y: tfjs.Tensor, rate: tfjs.Tensor) => () => tfjs.Scalar,
) {
  const w = tf.variable(tf.zeros([3, 1]));
  const x = tf.ones([4, 3]);
  const y = tf.ones([4, 1]);
  const rate = tf.scalar(0.1);
  const steps = createGraphStep(tf);
  try {
    for (let i = 0; i < 4; i++) tf.dispose(steps.run([x, y, rate], makeStep(w, x, y, rate), () => undefined));
    return { execution: steps.execution, finalW: w.dataSync() };
  } finally {
    steps.dispose();
    tf.dispose([w, x, y, rate]);
  }
}

describe('train with compiled steps', () => {
  it('ends where eager training ends (conv, batch norm, dropout, Adam, class weights, step decay)', async () => {
    const eager = await trainTiny(tf, { compileSteps: false });
    const graph = await trainTiny(tf);
    // 6 batches per epoch: epoch 0 creates Adam's slots in step 0 and traces steps 1 and 2; later
    // epochs run their first two steps eagerly; every other step runs as the graph.
    expect(graph.result.stepExecution).toEqual({ graphSteps: 11, eagerSteps: 7, eagerReasons: [] });
    expect(eager.result.stepExecution).toEqual({ graphSteps: 0, eagerSteps: 18, eagerReasons: [] });
    expect(maxWeightDifference(graph.weights, eager.weights)).toBeLessThan(1e-3);
    graph.result.history.forEach((epoch, i) => {
      const other = eager.result.history[i];
      expect(epoch.loss).toBeCloseTo(other?.loss as number, 3);
      expect(epoch.validationLoss).toBeCloseTo(other?.validationLoss as number, 3);
    });
  });
});
