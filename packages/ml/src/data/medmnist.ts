import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import type { LabelMatrix } from '@medsweep/core';
import { MEDMNIST_DATASETS, medmnistInfoFor, resolveLabelTask, sha256Hex } from '@medsweep/core';
import { DatasetShapeError, LabelOutOfRangeError, NpyFormatError, NpzMissingArraysError } from '../errors.js';
import type {
  BlobSink,
  DatasetDraft,
  DatasetManifest,
  ImageSplit,
  SampleSource,
  SplitName,
} from '@medsweep/core/records';
import { MAX_CLASSES, SPLIT_NAMES, writeDataset } from '@medsweep/core/records';
import type { NpyArray } from './npy.js';
import { parseNpy } from './npy.js';

/** Task, class names, channels and provenance of the 12 official MedMNIST 2D datasets (@medsweep/core). */
export { MEDMNIST_DATASETS };

export interface MedmnistImportArgs {
  /** The .npz file. */
  path: string;
  /** Dataset name in the manifest; defaults to the file name without .npz. */
  name?: string;
  /**
   * One name per class (per label column for multi-label), index = label. Default: the official names
   * for a MedMNIST file (recognised by name, MedMNIST+ size suffixes included), else "0".."k-1".
   */
  classNames?: readonly string[];
  /** A MedMNIST task string; default: the official task, else inferred from the labels. */
  task?: string;
  licence?: string;
  citation?: string;
}

/**
 * Reads a MedMNIST .npz (official train/val/test splits; any of the four task types, grey or RGB, any
 * size) into a draft with one sample record per image, keyed `<split>/<index>`. Checks everything and
 * stores nothing. Throws NpzMissingArraysError, NpyFormatError, DatasetShapeError, LabelOutOfRangeError
 * and, from @medsweep/core, UnknownTaskError, LabelShapeMismatchError and ClassNamesMismatchError.
 */
export async function readMedmnistDraft(args: MedmnistImportArgs): Promise<DatasetDraft> {
  const bytes = new Uint8Array(await readFile(args.path));
  const file = args.path;
  const arrays = readMedmnistArrays(bytes, file);
  const known = medmnistInfoFor(file);
  const labels = SPLIT_NAMES.map((split) => labelMatrix(arrays[split], file, split));
  const names = args.classNames ?? known?.classNames;
  if (names && args.task !== 'multi-label, binary-class' && labels.every((l) => l.columns === 1)) {
    // Class indices beyond the names are this file's labels out of range, named by sample.
    for (const l of labels) checkedLabels(l.values, names.length, file, l.split);
  }
  const { task, numClasses, classNames } = resolveLabelTask({
    source: file,
    labels,
    ...(args.task === undefined ? {} : { task: args.task }),
    ...(args.classNames === undefined ? {} : { classNames: args.classNames }),
    ...(known ? { known } : {}),
    maxClasses: MAX_CLASSES,
  });
  const splits = {} as Record<SplitName, ImageSplit>;
  const bySplit = {} as Record<SplitName, SampleSource[]>;
  for (const [s, split] of SPLIT_NAMES.entries()) {
    const values = (labels[s] as LabelMatrix).values;
    splits[split] = {
      ...imageShape(arrays[split].images, file, split),
      labels:
        task === 'multi-label, binary-class'
          ? Uint8Array.from(values)
          : checkedLabels(values, numClasses, file, split),
    };
    bySplit[split] = Array.from({ length: splits[split].count }, (_, i) => ({ key: `${split}/${i}` }));
  }
  requireOneImageShape(splits, file);
  const licence = args.licence ?? known?.licence;
  const citation = args.citation ?? known?.citation;
  return {
    name: args.name ?? basename(file).replace(/\.npz$/i, ''),
    task,
    classNames,
    source: {
      kind: 'medmnist-npz',
      sha256: sha256Hex(bytes),
      ...(licence === undefined ? {} : { licence }),
      ...(citation === undefined ? {} : { citation }),
    },
    origin: file,
    splits,
    samples: { bySplit, assignment: { method: 'official' } },
  };
}

/**
 * Imports a MedMNIST .npz into the content-addressed dataset format (readMedmnistDraft, then
 * writeDataset). Same file and args, same dataset id.
 */
export async function importMedmnistNpz(
  args: MedmnistImportArgs,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  return writeDataset(await readMedmnistDraft(args), sink);
}

/**
 * The official splits of a single-label MedMNIST .npz: images uint8 (N, H, W) or (N, H, W, 1|3),
 * labels (N, 1) integer class indices below numClasses. `file` names the source in errors.
 */
export function readMedmnistNpz(
  bytes: Uint8Array,
  file: string,
  numClasses: number,
): Record<SplitName, ImageSplit> {
  const arrays = readMedmnistArrays(bytes, file);
  const splits = {} as Record<SplitName, ImageSplit>;
  for (const split of SPLIT_NAMES) {
    const labels = labelMatrix(arrays[split], file, split);
    if (labels.columns !== 1) {
      throw new DatasetShapeError(
        file,
        `${split}_labels`,
        describe(arrays[split].labels),
        'one class index per image',
      );
    }
    splits[split] = {
      ...imageShape(arrays[split].images, file, split),
      labels: checkedLabels(labels.values, numClasses, file, split),
    };
  }
  requireOneImageShape(splits, file);
  return splits;
}

/** The six arrays of a MedMNIST .npz, by split. */
function readMedmnistArrays(
  bytes: Uint8Array,
  file: string,
): Record<SplitName, { images: NpyArray; labels: NpyArray }> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new NpyFormatError(file, 'not a zip archive; an .npz is a zip of .npy files', { cause: error });
  }
  const found = Object.keys(entries)
    .filter((name) => name.endsWith('.npy'))
    .map((name) => name.slice(0, -4));
  const expected = SPLIT_NAMES.flatMap((split) => [`${split}_images`, `${split}_labels`]);
  const missing = expected.filter((name) => !found.includes(name));
  if (missing.length > 0) throw new NpzMissingArraysError(file, missing, found);

  const array = (name: string): NpyArray =>
    parseNpy(entries[`${name}.npy`] as Uint8Array, `${file}:${name}.npy`);
  return Object.fromEntries(
    SPLIT_NAMES.map((split) => [
      split,
      { images: array(`${split}_images`), labels: array(`${split}_labels`) },
    ]),
  ) as Record<SplitName, { images: NpyArray; labels: NpyArray }>;
}

/** An images array as a split without labels yet: uint8 (N, H, W) or (N, H, W, 1|3). */
function imageShape(images: NpyArray, file: string, split: string): Omit<ImageSplit, 'labels'> {
  const [count = 0, height = 0, width = 0, channels = 1] = images.shape;
  const imageRank = images.shape.length;
  if (
    images.dtype !== 'uint8' ||
    (imageRank !== 3 && imageRank !== 4) ||
    (channels !== 1 && channels !== 3)
  ) {
    throw new DatasetShapeError(
      file,
      `${split}_images`,
      describe(images),
      'uint8 (N, H, W) or (N, H, W, 1) or (N, H, W, 3)',
    );
  }
  return { count, height, width, channels, images: images.data as Uint8Array };
}

/** A labels array as rows x columns: (N), (N, 1) or (N, L) integers, one row per image of the split. */
function labelMatrix(
  arrays: { images: NpyArray; labels: NpyArray },
  file: string,
  split: SplitName,
): LabelMatrix {
  const { labels } = arrays;
  const [rows = 0, columns = 1, ...rest] = labels.shape;
  if (
    labels.dtype.startsWith('float') ||
    labels.shape.length === 0 ||
    rest.length > 0 ||
    rows !== arrays.images.shape[0]
  ) {
    throw new DatasetShapeError(
      file,
      `${split}_labels`,
      describe(labels),
      'integer (N, 1) class indices, or (N, L) 0/1 columns for multi-label data, one row per image',
    );
  }
  return { split, rows, columns, values: labels.data };
}

function requireOneImageShape(splits: Record<SplitName, ImageSplit>, file: string): void {
  const { height, width, channels } = splits.train;
  for (const split of SPLIT_NAMES) {
    const s = splits[split];
    if (s.height !== height || s.width !== width || s.channels !== channels) {
      throw new DatasetShapeError(
        file,
        `${split}_images`,
        `${s.height}x${s.width}x${s.channels} images`,
        `the train split's ${height}x${width}x${channels}`,
      );
    }
  }
}

const describe = (a: NpyArray): string => `${a.dtype} (${a.shape.join(', ')})`;

/**
 * Checks every label is a class index below numClasses and returns them as bytes. `file` and
 * `split` only name the source in the error.
 */
function checkedLabels(
  labels: ArrayLike<number>,
  numClasses: number,
  file: string,
  split: string,
): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new LabelOutOfRangeError(file, split, i, label, numClasses);
    }
    out[i] = label;
  }
  return out;
}
