import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { EmptySplitError, ImageFolderLayoutError, UnreadableImageError } from '../errors.js';
import { breastMnist } from '../training/test-support/tiny-run.js';
import { LocalDirectoryBlobStore } from './blob-store.js';
import type { ImageSplit } from '@medsweep/core/records';
import { loadDataset } from '@medsweep/core/records';
import { importImageFolder } from './image-folder.js';
import { breastPng as breastPngOf, writeFiles } from './test-support/image-files.js';

let tf: Tf;
let scratch: string;
let breast: ImageSplit;

beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-folder-'));
  breast = breastMnist().train;
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Real BreastMNIST image `index` (28x28 grey) as PNG bytes. */
const breastPng = (index: number, size = 28) => breastPngOf(tf, breast, index, size);

const folder = (name: string, files: Record<string, Uint8Array | Promise<Uint8Array>>) =>
  writeFiles(join(scratch, name), files);

const store = async () => new LocalDirectoryBlobStore(await mkdtemp(join(scratch, 'store-')));

describe('importImageFolder', () => {
  it('imports root/<class>/<image> with a seeded, stratified holdout, keeping the pixels exactly', async () => {
    const files: Record<string, Promise<Uint8Array>> = {};
    for (let i = 0; i < 10; i++) {
      files[`benign/img${i}.png`] = breastPng(i);
      files[`malignant/img${i}.png`] = breastPng(10 + i);
    }
    const root = await folder('by-class', files);
    const sink = await store();
    const { id, manifest } = await importImageFolder({ tf, root }, sink);

    expect(manifest).toMatchObject({
      name: 'by-class',
      classNames: ['benign', 'malignant'],
      image: { height: 28, width: 28, channels: 1 },
      source: { kind: 'image-folder' },
    });
    // Default holdout: 20 % test and 10 % validation of each class.
    expect(manifest.splits.train).toMatchObject({ count: 14, labelHistogram: [7, 7] });
    expect(manifest.splits.val).toMatchObject({ count: 2, labelHistogram: [1, 1] });
    expect(manifest.splits.test).toMatchObject({ count: 4, labelHistogram: [2, 2] });

    // PNG is lossless: every stored image is one of the originals, byte for byte.
    const dataset = await loadDataset(sink, id);
    const originals = Array.from({ length: 20 }, (_, i) =>
      breast.images.subarray(i * 784, (i + 1) * 784).join(),
    );
    for (const split of Object.values(dataset.splits)) {
      for (let i = 0; i < split.count; i++) {
        expect(originals).toContain(split.images.subarray(i * 784, (i + 1) * 784).join());
      }
    }

    const again = await importImageFolder({ tf, root }, await store());
    expect(again.id).toBe(id);
    const reshuffled = await importImageFolder(
      { tf, root, holdout: { val: 0.1, test: 0.2, seed: 1 } },
      await store(),
    );
    expect(reshuffled.id).not.toBe(id);
  });

  it('imports root/{train,val,test}/<class>/<image>, resizing and converting to RGB on request', async () => {
    const root = await folder('pre-split', {
      'train/a/1.png': breastPng(0),
      'train/b/2.png': breastPng(1, 40),
      'val/a/3.png': breastPng(2),
      'test/b/4.png': breastPng(3),
      'test/b/notes.txt': new TextEncoder().encode('ignored: not an image'),
    });
    const sink = await store();
    const { id, manifest } = await importImageFolder(
      { tf, root, size: { height: 32, width: 32 }, channels: 3 },
      sink,
    );
    expect(manifest.image).toEqual({ height: 32, width: 32, channels: 3 });
    expect(manifest.splits.train.labelHistogram).toEqual([1, 1]);
    expect(manifest.splits.test.labelHistogram).toEqual([0, 1]);
    const test = (await loadDataset(sink, id)).splits.test;
    // Grey decoded as RGB: the three channels are equal, and the image is not blank.
    const pixel = (i: number) => Array.from(test.images.subarray(3 * i, 3 * i + 3));
    const centre = pixel(16 * 32 + 16);
    expect(centre[0]).toBeGreaterThan(0);
    expect(centre).toEqual([centre[0], centre[0], centre[0]]);
  });

  it('names an image that cannot be decoded', async () => {
    const root = await folder('broken', {
      'a/good.png': breastPng(0),
      'b/broken.png': new TextEncoder().encode('this is not a PNG'),
    });
    const error = await importImageFolder({ tf, root }, await store()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableImageError);
    expect((error as UnreadableImageError).file).toBe(join(root, 'b', 'broken.png'));
    expect((error as Error).message).toMatch(/broken\.png: cannot decode image .*PNG, JPEG, BMP and GIF/);
  });

  it('asks for a size when images differ in size', async () => {
    const root = await folder('sizes', { 'a/1.png': breastPng(0), 'b/2.png': breastPng(1, 40) });
    const error = await importImageFolder(
      { tf, root, holdout: { val: 0, test: 0, seed: 0 } },
      await store(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageFolderLayoutError);
    expect((error as Error).message).toMatch(/2\.png is 40x40 but earlier images are 28x28; pass size/);
  });

  it('rejects a split without samples and a folder with one class', async () => {
    const empty = await folder('empty-val', {
      'train/a/1.png': breastPng(0),
      'train/b/2.png': breastPng(1),
      'val/a/.keep': new Uint8Array(0),
      'test/b/3.png': breastPng(2),
    });
    const error = await importImageFolder({ tf, root: empty }, await store()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmptySplitError);
    expect((error as Error).message).toBe(
      `${empty}: the val split has no samples; every split (train, val, test) needs at least one`,
    );

    const single = await folder('one-class', { 'only/1.png': breastPng(0) });
    await expect(importImageFolder({ tf, root: single }, await store())).rejects.toThrow(
      /found 1 class folder\(s\) \(only\); expected 2 to 256/,
    );
  });
});
