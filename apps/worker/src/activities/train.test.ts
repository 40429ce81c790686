// The train activity on the real stack (MinIO, Postgres) and real data (BreastMNIST, the SqueezeNet
// ImageNet file): a tiny configuration, so each run takes seconds.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auc, finalMetricsHash } from '@medsweep/core';
import type { BackendInfo, Trainer } from '@medsweep/ml';
import {
  ARCHITECTURES,
  loadKerasWeights,
  predictSplit,
  readKerasWeightsInput,
  readMedmnistNpz,
  selectBackend,
} from '@medsweep/ml';
import type { SegmentTrainer, RegisteredSegmentInput, TrialEvaluation } from '@medsweep/workflows';
import type { TrainHeartbeat } from '../train-heartbeat.js';
import { runSegment } from '../test-support/segment-run.js';
import type { TrainFixture } from '../test-support/train-fixtures.js';
import {
  BREAST_NPZ,
  SQUEEZENET_H5,
  TINY_SPEC,
  imagenetSqueezenetWeights,
  registerTrial,
  trainFixture,
} from '../test-support/train-fixtures.js';
import { workerIdentity } from '../identity.js';
import { createTrainActivities } from './train.js';

let fixture: TrainFixture;
let backend: BackendInfo;
let cacheDir: string;
/** resumedAfterEpochs of every train() call, in order. */
const resumes: number[] = [];
let activities: SegmentTrainer;
const identity = workerIdentity('train', 'tensorflow');

beforeAll(async () => {
  backend = await selectBackend();
  fixture = await trainFixture();
  cacheDir = await mkdtemp(join(tmpdir(), 'medsweep-worker-cache-'));
  const { train } = await import('@medsweep/ml');
  const observed: Trainer = async (args) => {
    const result = await train(args);
    resumes.push(result.resumedAfterEpochs);
    return result;
  };
  activities = createTrainActivities({ ...fixture, cacheDir, backend, identity, trainer: observed });
});

afterAll(async () => {
  await fixture?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

const keyOf = (uri: string) => uri.slice(`s3://${fixture.store.bucket}/`.length);

/** Downloads the trial's output weights (Keras HDF5) to a temporary file for `use`, removed afterwards. */
async function withOutputWeights(evaluation: TrialEvaluation, use: (path: string) => Promise<unknown>) {
  const scratch = await mkdtemp(join(tmpdir(), 'medsweep-weights-out-'));
  try {
    const out = join(scratch, 'out.h5');
    const weightsOut = evaluation.artifacts.find((a) => a.kind === 'weights')!;
    await writeFile(out, await fixture.store.get(keyOf(weightsOut.uri), weightsOut.sha256));
    await use(out);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
/** What a segment that is expected to fail rejects with. */
const segmentFailure = (input: RegisteredSegmentInput) =>
  runSegment(activities, input).run.catch((e: unknown) => e);
const metric = (e: TrialEvaluation, split: 'val' | 'test', name: string) =>
  e.finalMetrics.find((m) => m.split === split && m.name === name)?.value;

describe('trainSegment on the real stack', () => {
  let first: Awaited<ReturnType<SegmentTrainer['trainSegment']>>;
  let firstHeartbeats: TrainHeartbeat[];
  let trialId: string;
  let input: RegisteredSegmentInput;

  it('trains to the end, evaluates the best epoch on test and stores what it reports', async () => {
    const registered = await registerTrial(fixture, { index: 0 });
    trialId = registered.trialId;
    input = { trial: registered.trial, trialId, untilEpoch: 3, evaluate: true };
    const tensors = backend.tf.memory().numTensors;
    const { run, heartbeats } = runSegment(activities, input);
    first = await run;
    firstHeartbeats = heartbeats;
    expect(backend.tf.memory().numTensors, 'tensors left behind').toBe(tensors);

    expect(first).toMatchObject({
      epochsCompleted: 3,
      stoppedEarly: false,
      checkpointUri: `s3://${fixture.store.bucket}/checkpoints/${fixture.sweepId}/0/epoch-0003.ckpt`,
    });
    // Only the newest two epoch checkpoints are kept.
    expect(await fixture.store.list(`checkpoints/${fixture.sweepId}/0/`)).toEqual(
      ['epoch-0002.ckpt', 'epoch-0003.ckpt', 'latest.json'].map(
        (f) => `checkpoints/${fixture.sweepId}/0/${f}`,
      ),
    );
    const evaluation = first.evaluation as TrialEvaluation;
    const testAuc = metric(evaluation, 'test', 'auc') as number;
    expect(testAuc).toBeGreaterThan(0.5);
    expect(testAuc).toBeLessThanOrEqual(1);
    expect(evaluation.primaryMetricValue).toBe(metric(evaluation, 'val', 'auc'));
    expect([0, 1, 2]).toContain(evaluation.bestEpoch);
    for (const name of [
      'acc',
      'precision',
      'recall',
      'f1',
      'f1_macro',
      'specificity',
      'ece',
      'op_sensitivity',
    ]) {
      expect(metric(evaluation, 'test', name), name).toBeTypeOf('number');
    }

    // Every artifact is in S3 with the reported hash, and the lineage hashes are those of the artifacts.
    const artifacts = Object.fromEntries(evaluation.artifacts.map((a) => [a.kind, a]));
    expect(Object.keys(artifacts).sort()).toEqual([
      'confusion',
      'curves',
      'gradcam',
      'predictions',
      'roc',
      'weights',
    ]);
    // Grad-CAM PNGs of the first test images, at the model's input size.
    const gradCams = evaluation.artifacts.filter((a) => a.kind === 'gradcam');
    expect(gradCams.map((a) => [keyOf(a.uri), a.contentType])).toEqual(
      [0, 1, 2, 3].map((i) => [`trials/${fixture.sweepId}/0/gradcam/test-${i}.png`, 'image/png']),
    );
    const png = await fixture.store.get(keyOf(gradCams[0]!.uri), gradCams[0]!.sha256);
    const decoded = (
      backend.tf as unknown as { node: { decodePng(bytes: Uint8Array): ReturnType<typeof backend.tf.zeros> } }
    ).node.decodePng(png);
    expect(decoded.shape).toEqual([32, 32, 3]);
    decoded.dispose();
    for (const artifact of evaluation.artifacts) {
      expect(artifact.uri.startsWith(`s3://${fixture.store.bucket}/trials/${fixture.sweepId}/0/`)).toBe(true);
      const bytes = await fixture.store.get(keyOf(artifact.uri), artifact.sha256);
      expect(bytes.length).toBe(artifact.sizeBytes);
    }
    const { lineage } = evaluation;
    expect(lineage.weightsOutHash).toBe(artifacts['weights']?.sha256);
    expect(lineage.predictionsHash).toBe(artifacts['predictions']?.sha256);
    expect(lineage.metricsHash).toBe(finalMetricsHash(evaluation.finalMetrics));
    expect(lineage.datasetManifestHash).toBe(fixture.dataset.manifestSha256);
    expect(lineage.weightsInHash).toBeNull();
    expect(lineage.backend).toBe('tensorflow');
    expect(lineage.codeVersion).toMatch(/^([0-9a-f]{40}|unknown)$/);
    const row = await fixture.db.trial.findUniqueOrThrow({ where: { id: trialId } });
    expect(lineage.configHash).toBe(row.configHash);

    // The auditor's path: the stored predictions re-evaluate to the reported AUC...
    const predictions = JSON.parse(
      new TextDecoder().decode(await fixture.store.get(keyOf(artifacts['predictions']!.uri))),
    ) as { splits: { test: { labels: number[]; scores: number[]; numColumns: number } } };
    const { test } = predictions.splits;
    expect(auc(test.labels, { values: test.scores, numColumns: test.numColumns }, 'binary-class')).toBe(
      testAuc,
    );
    // ...and the stored weights, loaded strictly into a fresh model, reproduce those predictions.
    const scratch = await mkdtemp(join(tmpdir(), 'medsweep-weights-out-'));
    try {
      const path = join(scratch, 'weights.h5');
      await writeFile(path, await fixture.store.get(keyOf(artifacts['weights']!.uri)));
      const recordedInput = await readKerasWeightsInput(path);
      expect(recordedInput).toEqual({ height: 32, width: 32, channels: 1, preprocessing: 'minus-one-one' });
      const model = ARCHITECTURES.vgg16.build({
        inputSize: 32,
        channels: 1,
        numClasses: 2,
        includeTop: true,
        widthMultiplier: 0.125,
      });
      try {
        await loadKerasWeights(model, path);
        const splits = readMedmnistNpz(new Uint8Array(await readFile(BREAST_NPZ)), BREAST_NPZ, 2);
        const again = await predictSplit(backend.tf, model, splits.test, recordedInput!, 2, 32);
        expect(Array.from(again.scores.values)).toEqual(test.scores);
      } finally {
        model.dispose();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }

    // Learning curves in Postgres, epoch by epoch (0-based).
    const points = await fixture.db.epochMetric.findMany({ where: { trialId }, orderBy: [{ epoch: 'asc' }] });
    const names = (epoch: number) =>
      points
        .filter((p) => p.epoch === epoch)
        .map((p) => `${p.split}/${p.name}`)
        .sort();
    const expected = ['train/loss', 'train/lr', 'val/acc', 'val/auc', 'val/loss'];
    expect([names(0), names(1), names(2)]).toEqual([expected, expected, expected]);

    // Which worker and code ran it.
    const attempt = await fixture.db.trialAttempt.findUniqueOrThrow({
      where: { trialId_attempt: { trialId, attempt: 1 } },
    });
    expect(attempt).toMatchObject({
      workerIdentity: identity.identity,
      outcome: 'completed',
      backend: 'tensorflow',
    });

    // Heartbeats report every batch and, once an epoch is checkpointed, where a retry resumes.
    const batches = heartbeats.filter((h) => h.phase === 'train');
    expect(batches.at(0)).toMatchObject({ epoch: 0, batch: 1, batches: 18, epochs: 3 });
    expect(heartbeats.at(-1)).toMatchObject({ checkpointUri: first.checkpointUri, checkpointEpoch: 3 });
  });

  it('on a retry resumes from the checkpoint in its heartbeat, downloads no data and reports the same hashes', async () => {
    fixture.store.gets.length = 0;
    const { run } = runSegment(activities, input, { attempt: 2, heartbeatDetails: firstHeartbeats.at(-1) });
    const retried = await run;

    expect(resumes.at(-1)).toBe(3);
    expect(fixture.store.gets.filter((key) => key.startsWith('datasets/'))).toEqual([]);
    expect(fixture.store.gets).toContain(keyOf(first.checkpointUri));
    const before = first.evaluation as TrialEvaluation;
    const after = retried.evaluation as TrialEvaluation;
    expect(after.lineage).toEqual(before.lineage);
    expect(after.finalMetrics).toEqual(before.finalMetrics);
    expect(after.artifacts).toEqual(before.artifacts);
    const attempts = await fixture.db.trialAttempt.findMany({
      where: { trialId },
      orderBy: { attempt: 'asc' },
    });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
    ]);
  });

  it('ends a segment at a rung and continues from its checkpoint to the same result', async () => {
    const { trial, trialId: id } = await registerTrial(fixture, { index: 1, rungs: [1] });
    const toRung = await runSegment(activities, { trial, trialId: id, untilEpoch: 1, evaluate: false }).run;
    expect(toRung).toEqual({
      epochsCompleted: 1,
      rungValue: expect.any(Number),
      stoppedEarly: false,
      checkpointUri: `s3://${fixture.store.bucket}/checkpoints/${fixture.sweepId}/1/epoch-0001.ckpt`,
    });
    const valAuc = await fixture.db.epochMetric.findUniqueOrThrow({
      where: { trialId_epoch_split_name: { trialId: id, epoch: 0, split: 'val', name: 'auc' } },
    });
    expect(toRung.rungValue).toBe(valAuc.value);

    const rest = await runSegment(activities, { trial, trialId: id, untilEpoch: 3, evaluate: true }).run;
    expect(resumes.at(-1)).toBe(1);
    // Same seed and configuration as trial 0, trained in two segments: the same model, byte for byte.
    const whole = (first.evaluation as TrialEvaluation).lineage;
    expect(rest.evaluation?.lineage).toMatchObject({
      weightsOutHash: whole.weightsOutHash,
      predictionsHash: whole.predictionsHash,
      metricsHash: whole.metricsHash,
    });
    // Each segment's execution keeps its own attempt row (segment 1 numbers from maxAttempts + 1).
    const attempts = await fixture.db.trialAttempt.findMany({
      where: { trialId: id },
      orderBy: { attempt: 'asc' },
    });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'completed'],
      [11, 'completed'],
    ]);
  });

  it('stops between batches when cancelled, and records the attempt as cancelled', async () => {
    const { trial, trialId: id } = await registerTrial(fixture, { index: 2 });
    let cancelledAt = -1;
    const { run, heartbeats } = runSegment(
      activities,
      { trial, trialId: id, untilEpoch: 3, evaluate: true },
      {},
      (h, env) => {
        if (h.phase === 'train' && h.batch === 2 && cancelledAt < 0) {
          cancelledAt = heartbeats.length;
          env.cancel();
        }
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledFailure);
    // At most the heartbeat of the batch running when the cancellation came, none after.
    expect(heartbeats.length - cancelledAt).toBeLessThanOrEqual(1);
    expect(await fixture.store.exists(`checkpoints/${fixture.sweepId}/2/latest.json`)).toBe(false);
    const attempt = await fixture.db.trialAttempt.findUniqueOrThrow({
      where: { trialId_attempt: { trialId: id, attempt: 1 } },
    });
    expect(attempt.outcome).toBe('cancelled');
  });

  it('fine-tunes from ImageNet weights: the frozen base keeps the file values, the head learns', async () => {
    const weights = await imagenetSqueezenetWeights(fixture);
    const spec = {
      ...TINY_SPEC,
      architectures: ['squeezenet1_1' as const],
      model: { inputSize: 32, widthMultiplier: 1 },
      transfer: { mode: 'frozen' as const, lrMultiplier: 1 },
      budget: { maxTrials: 1, maxEpochs: 1 },
    };
    const { trial, trialId: id } = await registerTrial(fixture, {
      index: 3,
      spec,
      arm: 'pretrained:imagenet',
      weights,
    });
    const result = await runSegment(activities, { trial, trialId: id, untilEpoch: 1, evaluate: true }).run;
    const evaluation = result.evaluation as TrialEvaluation;
    expect(evaluation.lineage.weightsInHash).toBe(weights.sha256);
    expect(metric(evaluation, 'test', 'auc')).toBeTypeOf('number');

    await withOutputWeights(evaluation, async (out) => {
      expect(await readKerasWeightsInput(out)).toEqual({
        height: 32,
        width: 32,
        channels: 3,
        preprocessing: 'caffe',
      });
      // Load the ImageNet file and the fine-tuned output into two models and compare layer by layer.
      const build = () =>
        ARCHITECTURES.squeezenet1_1.build({ inputSize: 32, channels: 3, numClasses: 2, includeTop: true });
      const imagenet = build();
      const tuned = build();
      try {
        await loadKerasWeights(imagenet, SQUEEZENET_H5, { optionalLayers: ['conv10'] });
        await loadKerasWeights(tuned, out);
        const values = (model: typeof imagenet, layer: string) =>
          model
            .getLayer(layer)
            .getWeights()
            .map((w) => Array.from(w.dataSync()));
        expect(values(tuned, 'fire9/expand3x3')).toEqual(values(imagenet, 'fire9/expand3x3'));
        expect(values(tuned, 'conv1')).toEqual(values(imagenet, 'conv1'));
        expect(values(tuned, 'conv10')).not.toEqual(values(imagenet, 'conv10'));
      } finally {
        imagenet.dispose();
        tuned.dispose();
      }
    });
  });

  it('trains a classical model (HOG + linear SVM) through the same pipeline, without Grad-CAM', async () => {
    const spec = { ...TINY_SPEC, architectures: ['hog-linear-svm' as const] };
    const { trial, trialId: id } = await registerTrial(fixture, { index: 6, spec });
    const result = await runSegment(activities, { trial, trialId: id, untilEpoch: 3, evaluate: true }).run;
    const evaluation = result.evaluation as TrialEvaluation;
    expect(metric(evaluation, 'test', 'auc')).toBeGreaterThan(0.7);
    expect(evaluation.artifacts.map((a) => a.kind).sort()).toEqual([
      'confusion',
      'curves',
      'predictions',
      'roc',
      'weights',
    ]);
    // TINY_SPEC narrows the CNNs to 1/8; the SVM has no width, and its input is the [0, 1] image.
    await withOutputWeights(evaluation, async (out) =>
      expect(await readKerasWeightsInput(out)).toEqual({
        height: 32,
        width: 32,
        channels: 1,
        preprocessing: 'unit',
      }),
    );
  });

  it('fails at once, not retryably, on weights that do not fit the model', async () => {
    const weights = await imagenetSqueezenetWeights(fixture);
    // ImageNet weights fit only the full-width network, not 1/8 of it.
    const spec = { ...TINY_SPEC, architectures: ['squeezenet1_1' as const] };
    const { trial, trialId: id } = await registerTrial(fixture, {
      index: 4,
      spec,
      arm: 'pretrained:imagenet',
      weights,
    });
    const failure = await segmentFailure({ trial, trialId: id, untilEpoch: 3, evaluate: true });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'WeightsShapeMismatchError' });
    expect((failure as Error).message).toMatch(/conv1/);
    const attempt = await fixture.db.trialAttempt.findUniqueOrThrow({
      where: { trialId_attempt: { trialId: id, attempt: 1 } },
    });
    expect(attempt).toMatchObject({ outcome: 'failed', error: (failure as Error).message });
  });

  it('fails at once on a segment the trial does not have and on a pretrained arm without weights', async () => {
    const { trial, trialId: id } = await registerTrial(fixture, { index: 5, arm: 'pretrained:imagenet' });
    const notASegment = await segmentFailure({ trial, trialId: id, untilEpoch: 2, evaluate: false });
    expect(notASegment).toMatchObject({ nonRetryable: true, type: 'SegmentRangeError' });
    const noWeights = await segmentFailure({ trial, trialId: id, untilEpoch: 3, evaluate: true });
    expect(noWeights).toMatchObject({ nonRetryable: true, type: 'MissingWeightsError' });
  });
});
