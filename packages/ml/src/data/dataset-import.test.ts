// importDatasetSource: any source read and stored; what is stored reports as `data inspect` does on the
// source and gives sample PNGs per class (as the API's registration makes them); a source that fails
// stores nothing.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { datasetReport, PngEncodeError } from '@medsweep/core';
import { ManifestImageMissingError } from '../errors.js';
import { LocalDirectoryBlobStore } from './blob-store.js';
import { importDatasetSource } from './dataset-import.js';
import { inspectDraft, readDatasetDraft } from './dataset-inspection.js';
import type { AddressableBlobSink, BlobSource, Dataset } from '@medsweep/core/records';
import { encodePng, loadDataset, loadSampleRecords, previewImages } from '@medsweep/core/records';
import { generatedMedmnistNpz } from './test-support/npz-fixtures.js';

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-dataset-import-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

let stores = 0;
/** A local directory store that names blobs by file URI, as S3 names them by s3:// URI. */
async function localSink() {
  const directory = join(scratch, `store-${stores++}`);
  const blobs = new LocalDirectoryBlobStore(directory);
  const sink: AddressableBlobSink = {
    put: (n, b) => blobs.put(n, b),
    uriOf: (n) => `file://${directory}/${n}`,
  };
  return { blobs, sink, directory };
}

const loadTf = async () => tf;

/** The stored dataset with its sample records and `perClass` sample images per class, as registration reads it. */
async function storedWithPreviews(blobs: BlobSource, id: string, perClass: number) {
  const dataset: Dataset = await loadDataset(blobs, id);
  const samples = (await loadSampleRecords(blobs, dataset))!;
  const { task, numClasses } = dataset.manifest;
  const keys = samples.map((s) => s.key);
  const offsets = {
    train: 0,
    val: dataset.splits.train.count,
    test: dataset.splits.train.count + dataset.splits.val.count,
  };
  const previews = previewImages(
    { task, numClasses, splits: dataset.splits },
    perClass,
    (split, i) => keys[offsets[split] + i]!,
  );
  return { dataset, samples, previews };
}

/** tf.node.decodePng, which the native backend has (tfjs' types do not say so). */
function decodePng(png: Uint8Array, channels: number): Uint8Array {
  const node = (tf as unknown as { node: { decodePng(b: Uint8Array, c: number): tfjs.Tensor } }).node;
  const image = node.decodePng(png, channels);
  try {
    return image.dataSync() as Uint8Array;
  } finally {
    image.dispose();
  }
}

describe('encodePng', () => {
  it('writes grey and RGB pixels that decode to the same values', async () => {
    const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const grey = Uint8Array.from({ length: 4 * 6 }, (_, i) => (i * 11) % 256);
    for (const [pixels, height, width, channels] of [
      [rgb, 5, 3, 3],
      [grey, 4, 6, 1],
    ] as const) {
      expect(Array.from(decodePng(encodePng(pixels, height, width, channels), channels))).toEqual(
        Array.from(pixels),
      );
    }
    expect(() => encodePng(grey, 4, 5, 1)).toThrow(PngEncodeError);
  });
});

describe('importDatasetSource', () => {
  it('stores a 5-class RGB .npz that reports as data inspect does and gives sample PNGs per class', async () => {
    const path = join(scratch, 'five.npz');
    const cycling = (count: number) => ({ labels: Array.from({ length: count }, (_, i) => [i % 5]) });
    await writeFile(
      path,
      generatedMedmnistNpz(28, 3, { train: cycling(20), val: cycling(5), test: cycling(5) }),
    );
    const { blobs, sink } = await localSink();
    const imported = await importDatasetSource({ path, name: 'five', loadTf }, sink);
    expect(imported).toMatchObject({ task: 'multi-class', numClasses: 5 });
    const { dataset, samples, previews } = await storedWithPreviews(blobs, imported.manifestSha256, 2);
    const { manifest } = dataset;
    const inspection = inspectDraft(await readDatasetDraft({ path, name: 'five', loadTf }), {
      maxListed: 20,
    });
    const { name, source, image, splitAssignment, ...reported } = inspection;
    expect({ name, source, image }).toEqual({
      name: manifest.name,
      source: manifest.source.kind,
      image: manifest.image,
    });
    expect(
      datasetReport({
        task: manifest.task,
        numClasses: 5,
        classNames: manifest.classNames,
        samples,
        maxListed: 20,
      }),
    ).toEqual(reported);
    expect(splitAssignment).toEqual(imported.manifest.splitAssignment);

    expect(previews.map((p) => [p.sample.classIndex, p.sample.key])).toEqual([
      [0, 'train/0'],
      [1, 'train/1'],
      [2, 'train/2'],
      [3, 'train/3'],
      [4, 'train/4'],
      [0, 'train/5'],
      [1, 'train/6'],
      [2, 'train/7'],
      [3, 'train/8'],
      [4, 'train/9'],
    ]);
    expect(Array.from(decodePng(previews[0]!.png, 3))).toEqual(
      Array.from(dataset.splits.train.images.subarray(0, 28 * 28 * 3)),
    );
  });

  it('gives a multi-label sample as an example of each of its labels', async () => {
    const path = join(scratch, 'labels.npz');
    const rows = (count: number) => ({
      labels: Array.from({ length: count }, (_, i) => [i % 2, i % 3 === 0 ? 1 : 0, 1]),
    });
    await writeFile(path, generatedMedmnistNpz(28, 1, { train: rows(6), val: rows(3), test: rows(3) }));
    const { blobs, sink } = await localSink();
    const imported = await importDatasetSource({ path, loadTf }, sink);
    expect(imported.task).toBe('multi-label, binary-class');
    const { previews } = await storedWithPreviews(blobs, imported.manifestSha256, 1);
    expect(previews.map((p) => [p.sample.classIndex, p.sample.key])).toEqual([
      [1, 'train/0'],
      [2, 'train/0'],
      [0, 'train/1'],
    ]);
  });

  it('stores nothing when the source fails to read', async () => {
    const folder = join(scratch, 'missing');
    await mkdir(folder, { recursive: true });
    const manifest = join(folder, 'manifest.csv');
    await writeFile(manifest, 'path,label\nnot-there.png,a\nnor-this.png,b\n');
    const { sink, directory } = await localSink();
    await expect(importDatasetSource({ path: manifest, loadTf }, sink)).rejects.toThrow(
      ManifestImageMissingError,
    );
    await expect(readdir(directory)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
