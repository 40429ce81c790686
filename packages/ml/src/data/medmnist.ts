import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { DatasetShapeError, NpyFormatError, NpzMissingArraysError } from '../errors.js';
import type { BlobSink } from './blob-store.js';
import { sha256Hex } from '@medsweep/core';
import type { DatasetManifest } from './dataset-manifest.js';
import { writeDataset } from './dataset-store.js';
import type { ImageSplit, SplitName } from './image-split.js';
import { SPLIT_NAMES, checkedLabels } from './image-split.js';
import type { NpyArray } from './npy.js';
import { parseNpy } from './npy.js';

const MEDMNIST_LICENCE = 'CC BY 4.0';
const MEDMNIST_CITATION = 'Yang et al., "MedMNIST v2", Scientific Data 2023';

/** Class names and provenance of the MedMNIST datasets shipped in ../shared/data/medmnist. */
export const MEDMNIST_DATASETS = {
  breastmnist: {
    classNames: ['malignant', 'normal, benign'],
    licence: MEDMNIST_LICENCE,
    citation: `${MEDMNIST_CITATION}; Al-Dhabyani et al. 2020 (breast ultrasound)`,
  },
  pneumoniamnist: {
    classNames: ['normal', 'pneumonia'],
    licence: MEDMNIST_LICENCE,
    citation: `${MEDMNIST_CITATION}; Kermany et al. 2018 (paediatric chest X-ray)`,
  },
} as const satisfies Record<string, { classNames: readonly string[]; licence: string; citation: string }>;

export interface MedmnistImportArgs {
  /** The .npz file. */
  path: string;
  /** Dataset name in the manifest; defaults to the file name without .npz. */
  name?: string;
  /** One name per class, index = label; their count is numClasses (see MEDMNIST_DATASETS). */
  classNames: readonly string[];
  licence?: string;
  citation?: string;
}

/**
 * Imports a MedMNIST .npz (official train/val/test splits) into the content-addressed dataset
 * format. Same file and args, same dataset id.
 */
export async function importMedmnistNpz(
  args: MedmnistImportArgs,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  const bytes = new Uint8Array(await readFile(args.path));
  const splits = readMedmnistNpz(bytes, args.path, args.classNames.length);
  return writeDataset(
    {
      name: args.name ?? basename(args.path).replace(/\.npz$/i, ''),
      classNames: args.classNames,
      source: {
        kind: 'medmnist-npz',
        sha256: sha256Hex(bytes),
        ...(args.licence === undefined ? {} : { licence: args.licence }),
        ...(args.citation === undefined ? {} : { citation: args.citation }),
      },
      origin: args.path,
      splits,
    },
    sink,
  );
}

/**
 * Reads the six arrays of a MedMNIST .npz: images uint8 (N, H, W) or (N, H, W, 1|3), labels
 * (N, 1) integer class indices below numClasses. `file` names the source in errors.
 */
export function readMedmnistNpz(
  bytes: Uint8Array,
  file: string,
  numClasses: number,
): Record<SplitName, ImageSplit> {
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
  const splits = {} as Record<SplitName, ImageSplit>;
  for (const split of SPLIT_NAMES) {
    splits[split] = toSplit(array(`${split}_images`), array(`${split}_labels`), file, split, numClasses);
  }
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
  return splits;
}

function toSplit(
  images: NpyArray,
  labels: NpyArray,
  file: string,
  split: string,
  numClasses: number,
): ImageSplit {
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
  const labelsPerSample = labels.shape.slice(1).reduce((a, b) => a * b, 1);
  if (labels.dtype.startsWith('float') || labels.shape[0] !== count || labelsPerSample !== 1) {
    throw new DatasetShapeError(
      file,
      `${split}_labels`,
      describe(labels),
      `integer (${count}, 1) class indices, one per image (multi-label files are not supported)`,
    );
  }
  return {
    count,
    height,
    width,
    channels,
    images: images.data as Uint8Array,
    labels: checkedLabels(labels.data, numClasses, file, split),
  };
}

const describe = (a: NpyArray): string => `${a.dtype} (${a.shape.join(', ')})`;
