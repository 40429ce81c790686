import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabelShapeMismatchError, UnknownTaskError, datasetReport } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import {
  DuplicateImagePathError,
  EmptySplitError,
  ImageManifestError,
  ManifestImageMissingError,
  UnreadableImageError,
} from '../errors.js';
import { breastMnist } from '../training/test-support/tiny-run.js';
import { LocalDirectoryBlobStore } from './blob-store.js';
import type { ImageSplit } from '@medsweep/core/records';
import { loadDataset, loadSampleRecords } from '@medsweep/core/records';
import type { ImageManifestImportArgs } from './image-manifest.js';
import { importImageManifest } from './image-manifest.js';
import { breastPng, writeFiles } from './test-support/image-files.js';
import { pydicomTestFiles } from './test-support/pydicom-files.js';

let tf: Tf;
let scratch: string;
let breast: ImageSplit;
let images: Record<string, Uint8Array>;

beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-manifest-'));
  breast = breastMnist().train;
  images = {};
  for (let i = 0; i < 24; i++) images[`img/${i}.png`] = await breastPng(tf, breast, i);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

let folders = 0;
/** A folder with the 24 PNGs under img/ plus `files` (the manifest), returning the manifest path. */
async function manifestFolder(
  name: string,
  content: string,
  extra: Record<string, Uint8Array | string> = {},
) {
  const root = join(scratch, `m${folders++}`);
  await writeFiles(root, { ...images, [name]: content, ...extra });
  return join(root, name);
}

const store = async () => new LocalDirectoryBlobStore(await mkdtemp(join(scratch, 'store-')));

async function imported(args: Omit<ImageManifestImportArgs, 'tf'>) {
  const sink = await store();
  const { id, manifest } = await importImageManifest({ tf, ...args }, sink);
  const dataset = await loadDataset(sink, id);
  return { id, manifest, dataset, records: (await loadSampleRecords(sink, dataset)) ?? [] };
}

/** Imports and expects it to fail, with nothing written to the store; returns the error. */
async function failing(args: Omit<ImageManifestImportArgs, 'tf'>): Promise<unknown> {
  const sink = await store();
  const error = await importImageManifest({ tf, ...args }, sink).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(await readdir(sink.directory).catch(() => [])).toEqual([]);
  return error;
}

const csv = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';

describe('importImageManifest', () => {
  it('a CSV with splits, patients, site and free attributes keeps them per sample and reports shared patients', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => {
      const split = i < 8 ? 'train' : i < 10 ? 'val' : 'test';
      // Patient P0 has an image in train (row 1) and one in test (row 11): leakage.
      const patient = i === 10 ? 'P0' : `P${i}`;
      return `img/${i}.png,${i % 2 ? 'benign' : 'malignant'},${split},${patient},site-${i % 3},${i % 2 ? 'F' : 'M'},"${40 + i}"`;
    });
    const manifest = await manifestFolder(
      'labels.csv',
      csv('path,label,split,patient_id,site,sex,age', rows),
    );
    const { manifest: m, records } = await imported({ manifest });
    expect(m).toMatchObject({
      name: expect.stringMatching(/^m\d+$/),
      task: 'binary-class',
      classNames: ['benign', 'malignant'],
      image: { height: 28, width: 28, channels: 1 },
      source: { kind: 'image-manifest' },
      splitAssignment: { method: 'given' },
    });
    expect(m.splits.train).toMatchObject({ count: 8, labelHistogram: [4, 4] });
    expect(records.find((r) => r.key === 'img/3.png')).toMatchObject({
      split: 'train',
      labels: [0],
      patientId: 'P3',
      site: 'site-0',
      attributes: { sex: 'F', age: '43' },
    });
    const report = datasetReport({ ...m, samples: records });
    expect(report.leakage).toMatchObject({ patientsInSeveralSplits: 1, leaky: true });
    expect(report.leakage.patients[0]).toMatchObject({ id: 'P0', samples: { train: 1, val: 0, test: 1 } });
  });

  it('JSON Lines with label lists and no split: multi-label, and a generated patient-disjoint split', async () => {
    const names = ['effusion', 'mass', 'nodule'];
    const lines = Array.from({ length: 24 }, (_, i) =>
      JSON.stringify({
        path: `img/${i}.png`,
        labels: [names[i % 3], names[(i + 1) % 3]],
        patient_id: `P${Math.floor(i / 2)}`,
        age: 30 + i,
      }),
    );
    const manifest = await manifestFolder('m.jsonl', lines.join('\n'));
    const {
      manifest: m,
      records,
      dataset,
    } = await imported({ manifest, holdout: { val: 0.25, test: 0.25, seed: 3 } });
    expect(m).toMatchObject({ task: 'multi-label, binary-class', numClasses: 3, classNames: names });
    expect(m.splitAssignment).toMatchObject({
      method: 'generated',
      seed: 3,
      groupedBy: 'patient_id',
      stratified: true,
    });
    expect(dataset.splits.train.labels.length).toBe(dataset.splits.train.count * 3);
    const splitOfPatient = new Map<string, string>();
    for (const r of records) {
      expect(splitOfPatient.get(r.patientId as string) ?? r.split).toBe(r.split);
      splitOfPatient.set(r.patientId as string, r.split);
    }
    expect(records.find((r) => r.key === 'img/4.png')).toMatchObject({
      labels: [1, 2],
      attributes: { age: 34 },
    });
    expect(m.splits.test.count + m.splits.val.count).toBeGreaterThanOrEqual(8);
  });

  it('one 0/1 column per class (label:<name>), with class indices as labels elsewhere', async () => {
    const rows = Array.from(
      { length: 9 },
      (_, i) => `img/${i}.png,${i % 2},${i % 3 === 0 ? 1 : 0},${['train', 'val', 'test'][i % 3]}`,
    );
    const manifest = await manifestFolder('cols.csv', csv('path,label:cyst,label:calcification,split', rows));
    const { manifest: m } = await imported({ manifest });
    expect(m).toMatchObject({ task: 'multi-label, binary-class', classNames: ['cyst', 'calcification'] });
    expect(m.splits.train.labelHistogram).toEqual([1, 3]);

    const indices = await manifestFolder(
      'idx.csv',
      csv(
        'path,label',
        Array.from({ length: 15 }, (_, i) => `img/${i}.png,${i % 5}`),
      ),
    );
    expect((await imported({ manifest: indices })).manifest).toMatchObject({
      task: 'multi-class',
      numClasses: 5,
    });
  });

  const dicom = pydicomTestFiles();
  it.runIf(dicom !== undefined)(
    'DICOM rows: tags give patient, study, series and modality; --size resizes',
    async () => {
      const folder = join(scratch, 'dicom');
      const files = ['CT_small.dcm', 'MR_small.dcm', 'MR_small_RLE.dcm', 'MR_small_bigendian.dcm'];
      await mkdir(folder, { recursive: true });
      for (const f of files) await copyFile(join(dicom as string, f), join(folder, f));
      const manifest = join(folder, 'labels.csv');
      await writeFiles(folder, {
        'labels.csv': csv('path,label,split', [
          'CT_small.dcm,ct,train',
          'MR_small.dcm,mr,train',
          'MR_small_RLE.dcm,mr,val',
          'MR_small_bigendian.dcm,mr,test',
        ]),
      });
      const { manifest: m, records } = await imported({ manifest, size: { height: 32, width: 32 } });
      expect(m.image).toEqual({ height: 32, width: 32, channels: 1 });
      expect(records.find((r) => r.key === 'CT_small.dcm')).toMatchObject({
        patientId: '1CT1',
        modality: 'CT',
      });
      const mr = records.filter((r) => r.patientId === '4MR1');
      expect(mr).toHaveLength(3);
      // The same MR image three ways (explicit LE, RLE, big endian): identical pixels, and one patient in all splits.
      expect(new Set(mr.map((r) => r.pixelSha256)).size).toBe(1);
      const report = datasetReport({ ...m, samples: records });
      expect(report.duplicates.exact).toMatchObject({ crossSplit: 3, withinSplit: 0 });
      expect(report.leakage.patientsInSeveralSplits).toBe(1);

      const mismatch = await failing({ manifest });
      expect(mismatch).toBeInstanceOf(ImageManifestError);
      expect((mismatch as Error).message).toMatch(
        /labels\.csv, row 2: image .*MR_small\.dcm is 64x64 but earlier images are 128x128; pass a size/,
      );
    },
  );
});

describe('importImageManifest rejects bad input, naming file, row and problem, and stores nothing', () => {
  const rows = (n: number, split = true) =>
    Array.from(
      { length: n },
      (_, i) => `img/${i}.png,${i % 2 ? 'b' : 'a'}${split ? `,${['train', 'val', 'test'][i % 3]}` : ''}`,
    );

  it('a row naming a missing file', async () => {
    const manifest = await manifestFolder(
      'x.csv',
      csv('path,label,split', [...rows(6), 'img/missing.png,a,test']),
    );
    const error = await failing({ manifest });
    expect(error).toBeInstanceOf(ManifestImageMissingError);
    expect((error as Error).message).toMatch(/x\.csv, row 7: image img\/missing\.png does not exist/);
  });

  it('an unreadable image', async () => {
    const manifest = await manifestFolder(
      'x.csv',
      csv('path,label,split', [...rows(6), 'notes.png,a,test']),
      { 'notes.png': 'not an image' },
    );
    const error = await failing({ manifest });
    expect(error).toBeInstanceOf(UnreadableImageError);
    expect(error).toMatchObject({ row: 7 });
    expect((error as Error).message).toMatch(/notes\.png \(manifest row 7\): cannot decode image/);
  });

  it('duplicate paths', async () => {
    const manifest = await manifestFolder(
      'x.csv',
      csv('path,label,split', [...rows(6), './img/2.png,a,test']),
    );
    const error = await failing({ manifest });
    expect(error).toBeInstanceOf(DuplicateImagePathError);
    expect((error as Error).message).toMatch(
      /x\.csv, row 7: image \.\/img\/2\.png is already listed in row 3/,
    );
  });

  it('an empty split', async () => {
    const manifest = await manifestFolder(
      'x.csv',
      csv(
        'path,label,split',
        rows(6).map((r) => r.replace(/,val$/, ',train')),
      ),
    );
    const error = await failing({ manifest });
    expect(error).toBeInstanceOf(EmptySplitError);
    expect((error as Error).message).toMatch(/x\.csv: the val split has no samples/);
  });

  it('an unknown task, and labels that do not fit the task', async () => {
    const manifest = await manifestFolder('x.csv', csv('path,label,split', rows(6)));
    expect(await failing({ manifest, task: 'detection' })).toBeInstanceOf(UnknownTaskError);
    const error = await failing({ manifest, task: 'multi-label, binary-class' });
    expect(error).toBeInstanceOf(LabelShapeMismatchError);
    expect((error as Error).message).toMatch(/x\.csv: all rows labels: one label column/);
  });

  it('a label that is not a class name, a bad split, a split on some rows only, no label column, broken rows', async () => {
    const named = await manifestFolder('x.csv', csv('path,label,split', [...rows(6), 'img/7.png,c,test']));
    expect(((await failing({ manifest: named, classNames: ['a', 'b'] })) as Error).message).toMatch(
      /x\.csv, row 7: label "c" is neither a class name/,
    );
    const split = await manifestFolder('x.csv', csv('path,label,split', [...rows(6), 'img/7.png,a,holdout']));
    expect(((await failing({ manifest: split })) as Error).message).toMatch(
      /row 7: split "holdout" is not one of train, val, test/,
    );
    const partial = await manifestFolder('x.csv', csv('path,label,split', [...rows(6), 'img/7.png,a,']));
    expect(((await failing({ manifest: partial })) as Error).message).toMatch(
      /row 7: has no split while 6 other row\(s\) have one/,
    );
    const unlabelled = await manifestFolder('x.csv', csv('path,split', ['img/1.png,train']));
    expect(((await failing({ manifest: unlabelled })) as Error).message).toMatch(
      /x\.csv: has no label column/,
    );
    const fields = await manifestFolder('x.csv', csv('path,label,split', ['img/1.png,a']));
    expect(((await failing({ manifest: fields })) as Error).message).toMatch(
      /x\.csv, row 1: has 2 fields; the header has 3/,
    );
    const json = await manifestFolder('x.jsonl', '{"path": "img/1.png", "label": "a"}\n{not json}\n');
    expect(((await failing({ manifest: json })) as Error).message).toMatch(/x\.jsonl, row 2: is not JSON/);
  });
});
