// What `data inspect` and `data import` read: the flags that describe a dataset source (class names,
// task, split fractions and seed for a source without a split, image size, DICOM window, duplicate
// threshold and list length), registered on both commands alike and turned into @medsweep/ml's args.
import type { Command } from 'commander';
import { NEAR_DUPLICATE_MAX_DISTANCE } from '@medsweep/core';
import type { DatasetImportArgs } from '@medsweep/ml';
import { selectBackend } from '@medsweep/ml';

export interface DatasetSourceOptions {
  classNames?: string;
  task?: string;
  val: string;
  test: string;
  seed: string;
  size?: string;
  window?: string;
  maxDistance: string;
  list: string;
}

/** Adds the source flags to a command that takes a dataset PATH. */
export function withDatasetSourceOptions(command: Command, listDefault: string): Command {
  return command
    .option('--class-names <names>', 'comma-separated class names, index = label (npz and manifests)')
    .option('--task <task>', "binary-class | multi-class | ordinal-regression | 'multi-label, binary-class'")
    .option('--val <fraction>', 'validation share when the source has no split', '0.1')
    .option('--test <fraction>', 'test share when the source has no split', '0.2')
    .option('--seed <n>', 'seed of a generated split', '0')
    .option('--size <n>', 'resize image files to n x n pixels')
    .option(
      '--window <center,width>',
      'VOI window for DICOM grey values (default: the file window, else min..max)',
    )
    .option(
      '--max-distance <bits>',
      'Hamming distance of near-duplicate perceptual hashes',
      String(NEAR_DUPLICATE_MAX_DISTANCE),
    )
    .option('--list <n>', 'duplicate pairs, patients and studies to list', listDefault);
}

/** The reader's args for PATH and the flags; throws RangeError naming a bad flag. */
export function datasetSourceArgs(path: string, opts: DatasetSourceOptions): DatasetImportArgs {
  const size = opts.size === undefined ? undefined : positiveInteger('--size', opts.size);
  const window = opts.window?.split(',').map(Number);
  if (window && (window.length !== 2 || !window.every(Number.isFinite) || (window[1] as number) < 1)) {
    throw new RangeError(
      `--window must be <center>,<width> with width >= 1, e.g. 40,400; got ${opts.window}`,
    );
  }
  return {
    path,
    ...(opts.classNames === undefined ? {} : { classNames: opts.classNames.split(',').map((n) => n.trim()) }),
    ...(opts.task === undefined ? {} : { task: opts.task }),
    holdout: {
      val: fraction('--val', opts.val),
      test: fraction('--test', opts.test),
      seed: positiveInteger('--seed', opts.seed, 0),
    },
    ...(size === undefined ? {} : { size: { height: size, width: size } }),
    ...(window ? { dicomWindow: { center: window[0] as number, width: window[1] as number } } : {}),
    // Called only for image files: an .npz needs no TensorFlow, and its start-up is not free.
    loadTf: async () => (await selectBackend()).tf,
    maxDistance: positiveInteger('--max-distance', opts.maxDistance, 0),
    maxListed: positiveInteger('--list', opts.list, 0),
  };
}

function positiveInteger(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${flag} must be an integer >= ${min}; got ${value}`);
  return n;
}

function fraction(flag: string, value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new RangeError(`${flag} must be a fraction in [0, 1); got ${value}`);
  return n;
}

/** How the registration reports on it: the report options of the import's arguments. */
export const reportOptions = (source: DatasetImportArgs) => ({
  ...(source.maxDistance === undefined ? {} : { maxDistance: source.maxDistance }),
  ...(source.maxListed === undefined ? {} : { maxListed: source.maxListed }),
});
