import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobIntegrityError,
  EmptySplitError,
  LabelOutOfRangeError,
  NpyFormatError,
  NpzMissingArraysError,
} from '../errors.js';
import { LocalDirectoryBlobStore } from './blob-store.js';
import { loadDataset, shardBlobName } from '@medsweep/core/records';
import { MEDMNIST_DATASETS, importMedmnistNpz } from './medmnist.js';
import { medmnistLikeNpz } from './test-support/npz-fixtures.js';

const BREAST = join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz');
const breastArgs = { path: BREAST, ...MEDMNIST_DATASETS.breastmnist };
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-medmnist-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const store = async (name: string) => new LocalDirectoryBlobStore(await mkdtemp(join(scratch, `${name}-`)));

describe('importMedmnistNpz on the real BreastMNIST file', () => {
  it('stores the official splits with counts, label histograms and shard hashes', async () => {
    const sink = await store('breast');
    const { id, manifest } = await importMedmnistNpz(breastArgs, sink);

    expect(manifest).toMatchObject({
      name: 'breastmnist',
      task: 'binary-class',
      numClasses: 2,
      classNames: ['malignant', 'normal, benign'],
      image: { height: 28, width: 28, channels: 1 },
      source: {
        kind: 'medmnist-npz',
        sha256: createHash('sha256')
          .update(await readFile(BREAST))
          .digest('hex'),
        licence: 'CC BY 4.0',
      },
    });
    // Counts and class balance as numpy reports them for this file.
    expect(manifest.splits.train).toMatchObject({ count: 546, labelHistogram: [147, 399] });
    expect(manifest.splits.val).toMatchObject({ count: 78, labelHistogram: [21, 57] });
    expect(manifest.splits.test).toMatchObject({ count: 156, labelHistogram: [42, 114] });
    // sha256(train_images.tobytes()) computed with numpy: the shard is the array's bytes, unchanged.
    expect(manifest.splits.train.images.sha256).toMatch(/^b7511ebbf38d87d3/);
    expect(manifest.splits.train.images.bytes).toBe(546 * 28 * 28);

    const loaded = await loadDataset(sink, id);
    expect(loaded.manifest).toEqual(manifest);
    expect(loaded.splits.train.count).toBe(546);
    // Row 14 of the first training image, as numpy prints it.
    expect(Array.from(loaded.splits.train.images.subarray(14 * 28, 14 * 28 + 6))).toEqual([
      123, 134, 139, 145, 144, 118,
    ]);
  });

  it('is deterministic: the same file gives the same dataset id and bytes in another store', async () => {
    const a = await importMedmnistNpz(breastArgs, await store('a'));
    const b = await importMedmnistNpz(breastArgs, await store('b'));
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    const renamed = await importMedmnistNpz({ ...breastArgs, name: 'breast-copy' }, await store('c'));
    expect(renamed.id).not.toBe(a.id);
  });

  it('detects a corrupted shard on load', async () => {
    const sink = await store('corrupt');
    const { id, manifest } = await importMedmnistNpz(breastArgs, sink);
    const shard = join(sink.directory, shardBlobName(manifest.splits.val.labels.sha256));
    const bytes = await readFile(shard);
    bytes[0] = (bytes[0] as number) ^ 1;
    await writeFile(shard, bytes);
    const error = await loadDataset(sink, id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobIntegrityError);
    expect((error as BlobIntegrityError).blobName).toBe(shardBlobName(manifest.splits.val.labels.sha256));
  });
});

describe('importMedmnistNpz rejects bad input naming the file and the problem', () => {
  const full = { train: { count: 6 }, val: { count: 2 }, test: { count: 2 } };
  const importBytes = async (name: string, bytes: Uint8Array) => {
    const path = join(scratch, name);
    await writeFile(path, bytes);
    return importMedmnistNpz({ path, classNames: ['a', 'b'] }, await store(name)).catch((e: unknown) => e);
  };

  it('an .npz without the expected arrays', async () => {
    const error = await importBytes('partial.npz', medmnistLikeNpz({ train: { count: 4 } }));
    expect(error).toBeInstanceOf(NpzMissingArraysError);
    expect(error).toMatchObject({
      missing: ['val_images', 'val_labels', 'test_images', 'test_labels'],
      found: ['train_images', 'train_labels'],
    });
    expect((error as Error).message).toMatch(
      /partial\.npz: missing array\(s\) val_images, val_labels, test_images/,
    );
  });

  it('a file that is not a zip', async () => {
    const error = await importBytes('text.npz', new TextEncoder().encode('not a zip'));
    expect(error).toBeInstanceOf(NpyFormatError);
    expect((error as Error).message).toMatch(/text\.npz: .*not a zip archive/);
  });

  it('labels out of range for the class count (int64 labels, as numpy saves by default)', async () => {
    const bytes = medmnistLikeNpz({ ...full, val: { count: 3, labels: [0, 1, 2] } }, '<i8');
    const error = await importBytes('labels.npz', bytes);
    expect(error).toBeInstanceOf(LabelOutOfRangeError);
    expect(error).toMatchObject({ split: 'val', index: 2, label: 2, numClasses: 2 });
    expect((error as Error).message).toMatch(
      /labels\.npz: val label 2 at sample 2 is out of range; .*0\.\.1/,
    );
  });

  it('a zero-sample split', async () => {
    const error = await importBytes('empty.npz', medmnistLikeNpz({ ...full, test: { count: 0 } }));
    expect(error).toBeInstanceOf(EmptySplitError);
    expect((error as Error).message).toMatch(/empty\.npz: the test split has no samples/);
  });

  it('accepts int64 labels in range', async () => {
    const error = await importBytes('ok.npz', medmnistLikeNpz(full, '<i8'));
    expect(error).toMatchObject({ manifest: { splits: { train: { count: 6, labelHistogram: [3, 3] } } } });
  });
});
