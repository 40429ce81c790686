import { EmptySplitError } from '../errors.js';
import type { SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

/** Most classes a dataset may have: labels are stored one byte per sample. */
export const MAX_CLASSES = 256;

/**
 * One split's samples in memory, exactly as stored: images uint8 NHWC (row-major, pixel values
 * 0-255), one class index per sample (for multi-label data, one 0/1 byte per label and sample).
 * Batches are built from these bytes on demand, so this is the only copy of the data a training run
 * holds.
 */
export interface ImageSplit {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** count * height * width * channels bytes. */
  images: Uint8Array;
  /** count bytes, each a class index in [0, numClasses); multi-label: count * numClasses bytes of 0/1. */
  labels: Uint8Array;
}

/**
 * Number of samples per class, index = class. With `multiLabel`, labels hold numClasses 0/1 bytes per
 * sample and the histogram counts the samples positive for each label.
 */
export function labelHistogram(labels: Uint8Array, numClasses: number, multiLabel = false): number[] {
  const histogram = new Array<number>(numClasses).fill(0);
  if (multiLabel) {
    labels.forEach((positive, i) => {
      histogram[i % numClasses] = (histogram[i % numClasses] ?? 0) + positive;
    });
  } else {
    for (const label of labels) histogram[label] = (histogram[label] ?? 0) + 1;
  }
  return histogram;
}

/** The labels of sample `index` as class indices: its class, or its positive labels (multi-label). */
export function sampleLabels(
  labels: Uint8Array,
  index: number,
  numClasses: number,
  multiLabel: boolean,
): number[] {
  if (!multiLabel) return [labels[index] as number];
  const positive: number[] = [];
  for (let l = 0; l < numClasses; l++) if (labels[index * numClasses + l] === 1) positive.push(l);
  return positive;
}

/** Throws EmptySplitError for the first split without samples. */
export function requireNonEmptySplits(splits: Record<SplitName, ImageSplit>, source: string): void {
  for (const name of SPLIT_NAMES) {
    if (splits[name].count === 0) throw new EmptySplitError(source, name);
  }
}
