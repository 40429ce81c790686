import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from '@medsweep/core/sweep';
import { finalMetricsHash } from '@medsweep/core';
import type { SegmentTrainer, RegisteredSegmentInput } from '@medsweep/workflows';
import { createSyntheticTrainActivities, syntheticAuc } from './synthetic-train.js';

const spec = parseSweepSpec({
  name: 'synthetic',
  dataset: 'breastmnist',
  architectures: ['vgg16'],
  arms: ['scratch'],
  search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001] } } },
  seeds: [1],
  budget: { maxTrials: 1, maxEpochs: 4 },
});
type Result = Awaited<ReturnType<SegmentTrainer['trainSegment']>>;

const input = (untilEpoch: number, evaluate: boolean): RegisteredSegmentInput => ({
  trialId: '00000000-0000-7000-8000-000000000000',
  untilEpoch,
  evaluate,
  trial: {
    sweepId: 's1',
    sweepWorkflowId: 'sweep-s1',
    trialKey: 's1:7',
    plan: { index: 7, architecture: 'vgg16', arm: 'scratch', params: { lr: 0.001 }, seed: 1, configIndex: 0 },
    spec,
    dataset: {
      id: 'd',
      manifestUri: 's3://b/datasets/x.json',
      manifestSha256: 'a'.repeat(64),
      numClasses: 2,
      task: 'binary-class',
    },
    rungs: [2],
  },
});

describe('the synthetic trainer', () => {
  it('sleeps its fixed time, heartbeating, and reports the same pseudo-metrics every time', async () => {
    const { trainSegment } = createSyntheticTrainActivities({ durationMs: 40 });
    const env = new MockActivityEnvironment();
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const started = performance.now();
    const rung = (await env.run(trainSegment, input(2, false))) as Result;
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(heartbeats).toBeGreaterThan(0);
    expect(rung).toEqual({
      epochsCompleted: 2,
      rungValue: syntheticAuc('s1:7', 1),
      stoppedEarly: false,
      checkpointUri: 'synthetic://checkpoints/s1/7/epoch-2',
    });

    const final = (await new MockActivityEnvironment().run(trainSegment, input(4, true))) as Result;
    const again = (await new MockActivityEnvironment().run(trainSegment, input(4, true))) as Result;
    expect(again).toEqual(final);
    const evaluation = final.evaluation!;
    expect(evaluation.artifacts).toEqual([]);
    expect(evaluation.lineage.backend).toBe('synthetic');
    expect(evaluation.lineage.metricsHash).toBe(finalMetricsHash(evaluation.finalMetrics));
    expect(evaluation.primaryMetricValue).toBe(Math.max(...[0, 1, 2, 3].map((e) => syntheticAuc('s1:7', e))));
  });

  it('stops as soon as it is cancelled', async () => {
    const { trainSegment } = createSyntheticTrainActivities({ durationMs: 60_000 });
    const env = new MockActivityEnvironment();
    env.once('heartbeat', () => setTimeout(() => env.cancel(), 10));
    const started = performance.now();
    await expect(env.run(trainSegment, input(2, false))).rejects.toBeInstanceOf(CancelledFailure);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
