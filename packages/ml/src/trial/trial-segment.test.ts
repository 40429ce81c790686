// The trial runner with its ports bound to local stand-ins: a directory checkpoint store, an in-memory
// artifact sink and an observer that records what it hears (the worker's S3 and Postgres bindings are
// tested in apps/worker). Tiny VGG16 on BreastMNIST: seconds per run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalMetricsHash, sha256Hex, trialConfigHash } from '@medsweep/core';
import { parseSweepSpec } from '@medsweep/core/sweep';
import type { BackendInfo } from '../backend.js';
import { selectBackend } from '../backend.js';
import { LocalDirectoryBlobStore } from '../data/blob-store.js';
import type { Dataset } from '@medsweep/core/records';
import { loadDataset } from '@medsweep/core/records';
import { importMedmnistNpz, MEDMNIST_DATASETS } from '../data/medmnist.js';
import { LocalDirectoryCheckpointStore } from '../training/checkpoint.js';
import { BREAST_NPZ } from '../training/test-support/tiny-run.js';
import type { SweepTrial } from './sweep-trial.js';
import type { TrialEvaluationRecord } from './trial-evaluation.js';
import type { ArtifactSink } from './trial-outputs.js';
import type { EpochEnd, EpochRow, TrialSegmentArgs, TrialSegmentObserver } from './trial-segment.js';
import { runTrialSegment } from './trial-segment.js';

let backend: BackendInfo;
let scratch: string;
let dataset: Dataset;

beforeAll(async () => {
  backend = await selectBackend();
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-trial-segment-'));
  const blobs = new LocalDirectoryBlobStore(join(scratch, 'blobs'));
  const { id } = await importMedmnistNpz({ path: BREAST_NPZ, ...MEDMNIST_DATASETS.breastmnist }, blobs);
  dataset = await loadDataset(blobs, id);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const trial: SweepTrial = {
  trialKey: 'runner:0',
  spec: parseSweepSpec({
    name: 'trial runner tests',
    dataset: 'breastmnist',
    architectures: ['vgg16'],
    model: { inputSize: 32, widthMultiplier: 0.125 },
    arms: ['scratch'],
    search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001] } } },
    seeds: [1],
    budget: { maxTrials: 1, maxEpochs: 2 },
    training: { schedule: { kind: 'cosine' } },
  }),
  plan: {
    index: 0,
    architecture: 'vgg16',
    arm: 'scratch',
    params: { lr: 0.001, batchSize: 32 },
    seed: 1,
    configIndex: 0,
  },
};
const provenance = {
  code: { commit: 'c'.repeat(40), dirty: false, lockHash: 'a'.repeat(64) },
  weightsInHash: null,
};

/** Files by name, as an object store would keep them. */
function memorySink() {
  const files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const sink: ArtifactSink = {
    async put(name, bytes, contentType) {
      files.set(name, { bytes, contentType });
      return { uri: `memory://${name}`, sha256: sha256Hex(bytes), sizeBytes: bytes.length };
    },
  };
  return { files, sink };
}

/** An observer that writes down what it hears. */
function recorder() {
  const heard = { batches: 0, epochs: [] as EpochEnd[], trained: [] as EpochRow[][], evaluating: 0 };
  const observer: TrialSegmentObserver = {
    batch: () => void heard.batches++,
    epoch: async (end) => void heard.epochs.push(end),
    trained: async ({ rows }) => void heard.trained.push(rows),
    evaluating: () => void heard.evaluating++,
  };
  return { heard, observer };
}

const segment = (args: Pick<TrialSegmentArgs, 'untilEpoch' | 'checkpoints' | 'observer' | 'evaluation'>) =>
  runTrialSegment({ backend, trial, dataset, signal: new AbortController().signal, ...args });

const names = (rows: readonly EpochRow[], epoch: number) =>
  rows
    .filter((r) => r.epoch === epoch)
    .map((r) => `${r.split}/${r.name}`)
    .sort();

describe('runTrialSegment', () => {
  let whole: TrialEvaluationRecord;

  it('trains to the end, evaluates the selected epoch and stores its outputs through the sink', async () => {
    const { files, sink } = memorySink();
    const { heard, observer } = recorder();
    const tensors = backend.tf.memory().numTensors;
    const result = await segment({
      untilEpoch: 2,
      checkpoints: new LocalDirectoryCheckpointStore(join(scratch, 'whole')),
      observer,
      evaluation: { artifacts: sink, provenance },
    });
    expect(backend.tf.memory().numTensors, 'tensors left behind').toBe(tensors);
    whole = result.evaluation as TrialEvaluationRecord;

    expect(result).toMatchObject({ epochsCompleted: 2, stoppedEarly: false });
    // The epoch rows the observer heard, and the rung value at the segment's last epoch.
    const perEpoch = ['train/loss', 'train/lr', 'val/acc', 'val/auc', 'val/loss'];
    expect(heard.epochs.map((e) => names(e.rows, e.epoch))).toEqual([perEpoch, perEpoch]);
    expect(result.rungValue).toBe(heard.epochs[1]?.metrics['val_auc']);
    expect(heard.epochs[1]?.metrics).toMatchObject({ loss: expect.any(Number), val_acc: expect.any(Number) });
    // Once trained, the rows of the whole history; then the evaluation.
    const history = ['train/loss', 'train/lr', 'val/auc', 'val/loss'];
    expect([0, 1].map((epoch) => names(heard.trained[0] ?? [], epoch))).toEqual([history, history]);
    expect(heard.batches).toBe(2 * 18);
    expect(heard.evaluating).toBe(1);

    expect([...files.keys()].sort()).toEqual([
      'confusion.json',
      'curves.json',
      ...[0, 1, 2, 3].map((i) => `gradcam/test-${i}.png`),
      'predictions.json',
      'roc.json',
      'weights.h5',
    ]);
    expect(whole.artifacts.map((a) => [a.kind, a.uri, a.sha256])).toEqual(
      whole.artifacts.map((a) => [
        a.kind,
        a.uri,
        sha256Hex(files.get(a.uri.slice('memory://'.length))!.bytes),
      ]),
    );
    const valAuc = whole.finalMetrics.find((m) => m.split === 'val' && m.name === 'auc')?.value;
    expect(whole.primaryMetricValue).toBe(valAuc);
    expect([0, 1]).toContain(whole.bestEpoch);
    expect(whole.lineage).toEqual({
      datasetManifestHash: dataset.id,
      splitAssignmentHash: dataset.manifest.splitAssignment!.sha256,
      leakageAcknowledgement: null,
      configHash: trialConfigHash(trial),
      codeVersion: provenance.code.commit,
      codeDirty: false,
      lockHash: provenance.code.lockHash,
      backend: backend.name,
      backendVersions: expect.objectContaining({ tfjs: backend.tfjsVersion, node: process.versions.node }),
      weightsInHash: null,
      weightsOutHash: sha256Hex(files.get('weights.h5')!.bytes),
      predictionsHash: sha256Hex(files.get('predictions.json')!.bytes),
      metricsHash: finalMetricsHash(whole.finalMetrics),
    });
  });

  it('in two segments through one checkpoint store, ends with the same model and the same record', async () => {
    const checkpoints = new LocalDirectoryCheckpointStore(join(scratch, 'segments'));
    const first = recorder();
    const toRung = await segment({ untilEpoch: 1, checkpoints, observer: first.observer });
    expect(toRung.epochsCompleted).toBe(1);
    expect(toRung.evaluation).toBeUndefined();
    expect(first.heard.evaluating).toBe(0);
    expect(toRung.rungValue).toBe(first.heard.epochs[0]?.metrics['val_auc']);

    const { sink } = memorySink();
    const second = recorder();
    const rest = await segment({
      untilEpoch: 2,
      checkpoints,
      observer: second.observer,
      evaluation: { artifacts: sink, provenance },
    });
    expect(rest.evaluation).toEqual(whole);
    // It trained only the second epoch, but backfills the rows of both (a killed attempt may have
    // checkpointed the first without writing its rows).
    expect(second.heard.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(new Set(second.heard.trained[0]?.map((r) => r.epoch))).toEqual(new Set([0, 1]));
  });
});
