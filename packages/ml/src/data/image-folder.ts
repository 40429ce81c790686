import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { ImageFolderLayoutError } from '../errors.js';
import type { BlobSink, DatasetDraft, DatasetManifest } from '@medsweep/core/records';
import { MAX_CLASSES, SPLIT_NAMES, taskOf, writeDataset } from '@medsweep/core/records';
import type { ImageDecodeArgs } from './image-decoding.js';
import { IMAGE_FILE, ImageDecoder } from './image-decoding.js';
import type { ImageRow } from './image-rows.js';
import { draftFromImageRows } from './image-rows.js';

export interface ImageFolderImportArgs extends ImageDecodeArgs {
  /** root/<class>/<image>, or root/{train,val,test}/<class>/<image> for given splits. */
  root: string;
  /** Dataset name in the manifest; defaults to the folder name. */
  name?: string;
  /**
   * For root/<class>/<image>: the fraction of the images drawn into val and test, and the seed of
   * that draw (stratified by class; exact and near-duplicate images kept in one split). Default
   * { val: 0.1, test: 0.2, seed: 0 }.
   */
  holdout?: { val: number; test: number; seed: number };
  licence?: string;
  citation?: string;
}

/**
 * Reads a folder of PNG/JPEG/BMP/GIF/DICOM images, one sub-folder per class (sub-folder names sorted
 * are the class names), into a draft keyed by the images' paths relative to the folder. Checks
 * everything and stores nothing.
 */
export async function readImageFolderDraft(args: ImageFolderImportArgs): Promise<DatasetDraft> {
  const { root } = args;
  const { classNames, rows } = await listImages(args);
  const holdout = args.holdout ?? { val: 0.1, test: 0.2, seed: 0 };
  return draftFromImageRows(rows, {
    name: args.name ?? basename(root),
    task: taskOf(classNames.length),
    classNames,
    kind: 'image-folder',
    origin: root,
    decoder: new ImageDecoder(
      args,
      (file, received, expected) =>
        new ImageFolderLayoutError(
          root,
          `${file} is ${received} but earlier images are ${expected}; ` +
            'pass size: { height, width } to resize every image to one size',
        ),
    ),
    holdout: {
      fractions: { train: 1 - holdout.val - holdout.test, val: holdout.val, test: holdout.test },
      seed: holdout.seed,
    },
    ...(args.licence === undefined ? {} : { licence: args.licence }),
    ...(args.citation === undefined ? {} : { citation: args.citation }),
  });
}

/**
 * Imports an image folder (readImageFolderDraft) into the content-addressed dataset format.
 * Deterministic: same files and args, same dataset id.
 */
export async function importImageFolder(
  args: ImageFolderImportArgs,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  return writeDataset(await readImageFolderDraft(args), sink);
}

async function listImages(args: ImageFolderImportArgs): Promise<{ classNames: string[]; rows: ImageRow[] }> {
  const { root } = args;
  const topDirs = await subfolders(root);
  const presplit = SPLIT_NAMES.filter((s) => topDirs.includes(s));
  if (presplit.length > 0 && presplit.length < SPLIT_NAMES.length) {
    throw new ImageFolderLayoutError(
      root,
      `has split folder(s) ${presplit.join(', ')} but not ${SPLIT_NAMES.filter((s) => !presplit.includes(s)).join(', ')}; ` +
        'use root/{train,val,test}/<class>/<image> or root/<class>/<image>',
    );
  }
  const row = (path: string, label: number, split?: (typeof SPLIT_NAMES)[number]): ImageRow => ({
    file: path,
    key: relative(root, path).split(sep).join('/'),
    labelRow: [label],
    ...(split === undefined ? {} : { split }),
  });

  if (presplit.length === SPLIT_NAMES.length) {
    const perSplit = await Promise.all(SPLIT_NAMES.map((s) => subfolders(join(root, s))));
    const classNames = [...new Set(perSplit.flat())].sort();
    checkClassCount(root, classNames);
    const rows: ImageRow[] = [];
    for (const [s, split] of SPLIT_NAMES.entries()) {
      for (const [label, name] of classNames.entries()) {
        if (!perSplit[s]?.includes(name)) continue;
        for (const path of await imageFiles(join(root, split, name))) rows.push(row(path, label, split));
      }
    }
    return { classNames, rows };
  }

  const classNames = topDirs;
  checkClassCount(root, classNames);
  const holdout = args.holdout ?? { val: 0.1, test: 0.2, seed: 0 };
  if (!(holdout.val >= 0 && holdout.test >= 0 && holdout.val + holdout.test < 1)) {
    throw new ImageFolderLayoutError(
      root,
      `holdout val ${holdout.val} + test ${holdout.test} must be >= 0 and sum to < 1`,
    );
  }
  const rows: ImageRow[] = [];
  for (const [label, name] of classNames.entries()) {
    const paths = await imageFiles(join(root, name));
    if (paths.length === 0)
      throw new ImageFolderLayoutError(root, `class folder ${name} holds no PNG/JPEG/BMP/GIF/DICOM images`);
    for (const path of paths) rows.push(row(path, label));
  }
  return { classNames, rows };
}

function checkClassCount(root: string, classNames: string[]): void {
  if (classNames.length < 2 || classNames.length > MAX_CLASSES) {
    throw new ImageFolderLayoutError(
      root,
      `found ${classNames.length} class folder(s) (${classNames.join(', ') || 'none'}); ` +
        `expected 2 to ${MAX_CLASSES}, one sub-folder per class`,
    );
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

async function imageFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE_FILE.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}
