// Every MedMNIST task type through the importer, on generated files in the MedMNIST layout (the real
// BreastMNIST file is covered in medmnist.test.ts), plus per-sample records and old manifests.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClassNamesMismatchError,
  LabelShapeMismatchError,
  UnknownTaskError,
  datasetReport,
} from '@medsweep/core';
import { loadConfig } from '@medsweep/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend.js';
import { LabelOutOfRangeError, MultiLabelBatchError } from '../errors.js';
import { LocalDirectoryBlobStore } from './blob-store.js';
import { loadDataset, loadSampleRecords, writeDataset } from '@medsweep/core/records';
import type { MedmnistImportArgs } from './medmnist.js';
import { importMedmnistNpz, readMedmnistDraft } from './medmnist.js';
import { buildLabelBatch } from './preprocess.js';
import type { GeneratedSplit } from './test-support/npz-fixtures.js';
import { generatedMedmnistNpz } from './test-support/npz-fixtures.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-medmnist-tasks-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const store = async () => new LocalDirectoryBlobStore(await mkdtemp(join(scratch, 'store-')));

/** Labels cycling through `classes` (single-label), `count` rows. */
const cycling = (count: number, classes: number): GeneratedSplit => ({
  labels: Array.from({ length: count }, (_, i) => [i % classes]),
});

/** `count` rows of `labels` 0/1 columns, row i positive for labels i mod L and (i + 3) mod L. */
const multiLabel = (count: number, labels: number): GeneratedSplit => ({
  labels: Array.from({ length: count }, (_, i) =>
    Array.from({ length: labels }, (_, l) => (l === i % labels || l === (i + 3) % labels ? 1 : 0)),
  ),
});

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, bytes);
  return path;
}

async function importAndLoad(args: MedmnistImportArgs) {
  const sink = await store();
  const { id, manifest } = await importMedmnistNpz(args, sink);
  const dataset = await loadDataset(sink, id);
  return { id, manifest, dataset, records: await loadSampleRecords(sink, dataset), sink };
}

describe('importMedmnistNpz for every task type', () => {
  it('a 5-class RGB file of unknown name: multi-class inferred, classes named 0..4', async () => {
    const path = await file(
      'five.npz',
      generatedMedmnistNpz(28, 3, { train: cycling(20, 5), val: cycling(5, 5), test: cycling(10, 5) }),
    );
    const { manifest, dataset } = await importAndLoad({ path });
    expect(manifest).toMatchObject({
      name: 'five',
      task: 'multi-class',
      numClasses: 5,
      classNames: ['0', '1', '2', '3', '4'],
      image: { height: 28, width: 28, channels: 3 },
    });
    expect(manifest.splits.train.labelHistogram).toEqual([4, 4, 4, 4, 4]);
    expect(Array.from(dataset.splits.val.labels)).toEqual([0, 1, 2, 3, 4]);
    expect(dataset.splits.train.images.length).toBe(20 * 28 * 28 * 3);

    const named = await importMedmnistNpz(
      { path, classNames: ['a', 'b', 'c', 'd', 'e'], task: 'ordinal-regression' },
      await store(),
    );
    expect(named.manifest).toMatchObject({
      task: 'ordinal-regression',
      classNames: ['a', 'b', 'c', 'd', 'e'],
    });
  });

  it('ordinal regression at 64 px from a MedMNIST+ file name (retinamnist_64.npz)', async () => {
    const path = await file(
      'retinamnist_64.npz',
      generatedMedmnistNpz(64, 3, { train: cycling(10, 5), val: cycling(5, 5), test: cycling(5, 5) }),
    );
    const { manifest } = await importAndLoad({ path });
    expect(manifest).toMatchObject({
      name: 'retinamnist_64',
      task: 'ordinal-regression',
      numClasses: 5,
      image: { height: 64, width: 64, channels: 3 },
      source: { licence: 'CC BY 4.0' },
    });
  });

  it('14-label multi-label (chestmnist.npz): labels of shape (N, 14) stored as 14 bytes per sample', async () => {
    const path = await file(
      'chestmnist.npz',
      generatedMedmnistNpz(28, 1, {
        train: multiLabel(28, 14),
        val: multiLabel(14, 14),
        test: multiLabel(14, 14),
      }),
    );
    const { manifest, dataset, records } = await importAndLoad({ path });
    expect(manifest).toMatchObject({
      task: 'multi-label, binary-class',
      numClasses: 14,
      image: { channels: 1 },
    });
    expect(manifest.classNames[13]).toBe('hernia');
    // Each label is positive in 2 of every 14 consecutive rows.
    expect(manifest.splits.train.labelHistogram).toEqual(new Array(14).fill(4));
    expect(dataset.splits.train.labels.length).toBe(28 * 14);
    expect(records?.find((r) => r.key === 'train/1')?.labels).toEqual([1, 4]);
    // A batch of class indices is refused instead of reading label bytes as classes (multi-label
    // batches are asked for as such: multi-label.test.ts).
    const { tf } = await selectBackend();
    expect(() => buildLabelBatch(tf, dataset.splits.train, [0, 1])).toThrow(MultiLabelBatchError);

    const unknown = await file(
      'labels3.npz',
      generatedMedmnistNpz(28, 1, { train: multiLabel(6, 3), val: multiLabel(3, 3), test: multiLabel(3, 3) }),
    );
    expect((await importAndLoad({ path: unknown })).manifest).toMatchObject({
      task: 'multi-label, binary-class',
      numClasses: 3,
      classNames: ['0', '1', '2'],
    });
  });

  it('binary grey at 64 px, and per-sample records with the official split', async () => {
    const path = await file(
      'breastmnist_64.npz',
      generatedMedmnistNpz(64, 1, { train: cycling(8, 2), val: cycling(2, 2), test: cycling(4, 2) }),
    );
    const { manifest, records } = await importAndLoad({ path });
    expect(manifest).toMatchObject({
      task: 'binary-class',
      classNames: ['malignant', 'normal, benign'],
      image: { height: 64 },
    });
    expect(manifest.splitAssignment).toMatchObject({ method: 'official' });
    expect(records).toHaveLength(14);
    expect(records?.[0]).toMatchObject({ key: 'train/0', split: 'train', labels: [0] });
    expect(records?.[0]?.pixelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records?.[0]?.perceptualHash).toMatch(/^[0-9a-f]{16}$/);
    const report = datasetReport({ ...manifest, samples: records ?? [] });
    expect(report.splitAssignmentSha256).toBe(manifest.splitAssignment?.sha256);
  });
});

describe('importMedmnistNpz rejects inconsistent overrides, storing nothing', () => {
  const fiveClass = () =>
    generatedMedmnistNpz(28, 1, { train: cycling(10, 5), val: cycling(5, 5), test: cycling(5, 5) });

  const failing = async (name: string, bytes: Uint8Array, args: Omit<MedmnistImportArgs, 'path'>) => {
    const sink = await store();
    const error = await importMedmnistNpz({ path: await file(name, bytes), ...args }, sink).catch(
      (e: unknown) => e,
    );
    expect(await readdir(sink.directory).catch(() => [])).toEqual([]);
    return error;
  };

  it('an unknown task name', async () => {
    expect(await failing('a.npz', fiveClass(), { task: 'segmentation' })).toBeInstanceOf(UnknownTaskError);
  });

  it('a binary task for five classes, a multi-label task for one label column', async () => {
    const binary = await failing('b.npz', fiveClass(), { task: 'binary-class' });
    expect(binary).toBeInstanceOf(LabelShapeMismatchError);
    expect((binary as Error).message).toMatch(
      /b\.npz: train labels: class index 2 at sample 2; expected 0 or 1/,
    );
    const multi = await failing('c.npz', fiveClass(), { task: 'multi-label, binary-class' });
    expect(multi).toBeInstanceOf(LabelShapeMismatchError);
  });

  it('class names that do not fit the labels', async () => {
    expect(await failing('d.npz', fiveClass(), { classNames: ['a', 'b'] })).toBeInstanceOf(
      LabelOutOfRangeError,
    );
    const chest = generatedMedmnistNpz(28, 1, {
      train: multiLabel(4, 14),
      val: multiLabel(2, 14),
      test: multiLabel(2, 14),
    });
    expect(await failing('e.npz', chest, { classNames: ['x', 'y'] })).toBeInstanceOf(ClassNamesMismatchError);
  });
});

describe('manifests without per-sample records', () => {
  it('are written byte for byte as before for a draft without samples, and still load', async () => {
    const breast = join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz');
    const { samples: _samples, ...draft } = await readMedmnistDraft({ path: breast });
    const sink = await store();
    const { id } = await writeDataset({ ...draft, task: undefined }, sink);
    // The id docs/results/breastmnist-baseline.json recorded for this file before samples existed.
    expect(id).toBe('cf7a790cd8adc70dd730054e19dba501876eadc76eab0514b0bfc6d5c08c39f5');
    const dataset = await loadDataset(sink, id);
    expect(dataset.manifest.splitAssignment).toBeUndefined();
    expect(await loadSampleRecords(sink, dataset)).toBeUndefined();
  });
});
