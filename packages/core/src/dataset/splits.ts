// The three splits of every dataset and what a sample is to the pure dataset checks (split generation,
// leakage and duplicate reports): a key, its labels, its image hashes and, when known, who it shows.
import { InvalidOptionError } from '../errors.js';

/** The three splits every dataset has, in the order MedMNIST and the dataset manifest list them. */
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** The share of samples drawn into each split; non-negative, summing to 1, train above 0. */
export type SplitFractions = Readonly<Record<SplitName, number>>;

/** Free per-sample attributes kept for subgroup analysis (sex, age, device, ...). */
export type SampleAttributes = Readonly<Record<string, string | number | boolean>>;

/** Who a sample shows and where it was taken, as far as the source says. */
export interface SampleProvenance {
  patientId?: string;
  studyId?: string;
  seriesId?: string;
  site?: string;
  modality?: string;
  attributes?: SampleAttributes;
}

/** One stored sample as the dataset checks see it. */
export interface SampleRecord extends SampleProvenance {
  /** Stable within the dataset: the file path relative to the source, or `<split>/<index>` in an .npz. */
  key: string;
  split: SplitName;
  /** The class index (single-label tasks) or the indices of the positive labels (multi-label). */
  labels: readonly number[];
  /** sha256 of the decoded uint8 pixels (HWC) as stored: equal hashes, identical images. */
  pixelSha256: string;
  /** 64-bit perceptual hash, 16 lowercase hex digits: a small Hamming distance, a similar image. */
  perceptualHash: string;
}

/** Throws InvalidOptionError unless the fractions are each in [0, 1), train > 0, and sum to 1. */
export function checkSplitFractions(operation: string, fractions: SplitFractions): void {
  const values = SPLIT_NAMES.map((s) => fractions[s]);
  const sum = values.reduce((a, b) => a + b, 0);
  const valid =
    values.every((v) => Number.isFinite(v) && v >= 0 && v < 1) &&
    fractions.train > 0 &&
    Math.abs(sum - 1) < 1e-9;
  if (!valid) {
    throw new InvalidOptionError(
      operation,
      'fractions',
      JSON.stringify(fractions),
      'train, val and test shares in [0, 1) summing to 1, train above 0 (e.g. 0.7, 0.1, 0.2)',
    );
  }
}
