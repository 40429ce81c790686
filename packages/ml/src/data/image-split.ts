import { EmptySplitError, LabelOutOfRangeError } from '../errors.js';

/** The three splits every dataset has, in the order MedMNIST and the manifest list them. */
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Most classes a dataset may have: labels are stored one byte per sample. */
export const MAX_CLASSES = 256;

/**
 * One split's samples in memory, exactly as stored: images uint8 NHWC (row-major, pixel values
 * 0-255), one class index per sample. Batches are built from these bytes on demand, so this is the
 * only copy of the data a training run holds.
 */
export interface ImageSplit {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** count * height * width * channels bytes. */
  images: Uint8Array;
  /** count bytes, each a class index in [0, numClasses). */
  labels: Uint8Array;
}

/** Number of samples per class, index = class. */
export function labelHistogram(labels: Uint8Array, numClasses: number): number[] {
  const histogram = new Array<number>(numClasses).fill(0);
  for (const label of labels) histogram[label] = (histogram[label] ?? 0) + 1;
  return histogram;
}

/**
 * Checks every label is a class index below numClasses and returns them as bytes. `file` and
 * `split` only name the source in the error.
 */
export function checkedLabels(
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

/** Throws EmptySplitError for the first split without samples. */
export function requireNonEmptySplits(splits: Record<SplitName, ImageSplit>, source: string): void {
  for (const name of SPLIT_NAMES) {
    if (splits[name].count === 0) throw new EmptySplitError(source, name);
  }
}
