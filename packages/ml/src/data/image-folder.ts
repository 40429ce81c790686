import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { ImageDecoderUnavailableError, ImageFolderLayoutError, UnreadableImageError } from '../errors.js';
import type { BlobSink } from './blob-store.js';
import { canonicalJson, sha256Hex } from '@medsweep/core';
import type { DatasetManifest } from './dataset-manifest.js';
import { writeDataset } from './dataset-store.js';
import type { ImageSplit, SplitName } from './image-split.js';
import { MAX_CLASSES, SPLIT_NAMES } from './image-split.js';
import { rngFor, shuffledIndices } from './seed-streams.js';

const IMAGE_FILE = /\.(png|jpe?g|bmp|gif)$/i;

export interface ImageFolderImportArgs {
  /** The native backend's tfjs namespace (selectBackend().tf); images are decoded with tf.node.decodeImage. */
  tf: Tf;
  /** root/<class>/<image>, or root/{train,val,test}/<class>/<image> for given splits. */
  root: string;
  /** Dataset name in the manifest; defaults to the folder name. */
  name?: string;
  /**
   * For root/<class>/<image>: the fraction of each class drawn into val and test, and the seed of
   * that draw. Default { val: 0.1, test: 0.2, seed: 0 }.
   */
  holdout?: { val: number; test: number; seed: number };
  /** Resize every image to this size (bilinear). Without it, all images must share one size. */
  size?: { height: number; width: number };
  /** 1 (grey) or 3 (RGB); defaults to that of the first image (grey stays grey). */
  channels?: 1 | 3;
  licence?: string;
  citation?: string;
}

interface ImageFile {
  path: string;
  label: number;
}

type TfNodeDecode = (
  content: Uint8Array,
  channels?: number,
  dtype?: string,
  expandAnimations?: boolean,
) => tfjs.Tensor;

/**
 * Imports a folder of PNG/JPEG/BMP/GIF images, one sub-folder per class (sub-folder names sorted
 * are the class names), into the content-addressed dataset format. Deterministic: same files and
 * args, same dataset id.
 */
export async function importImageFolder(
  args: ImageFolderImportArgs,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  const decode = (args.tf as unknown as { node?: { decodeImage?: TfNodeDecode } }).node?.decodeImage;
  if (!decode) throw new ImageDecoderUnavailableError(args.tf.getBackend());

  const { classNames, files } = await listImages(args);
  const hashes: [string, string][] = [];
  const splits = {} as Record<SplitName, ImageSplit>;
  let format: { height: number; width: number; channels: 1 | 3 } | undefined;

  for (const split of SPLIT_NAMES) {
    const list = files[split];
    let images: Uint8Array | undefined;
    const labels = new Uint8Array(list.length);
    for (const [i, file] of list.entries()) {
      const bytes = new Uint8Array(await readFile(file.path));
      hashes.push([relative(args.root, file.path), sha256Hex(bytes)]);
      const pixels = decodeToSize(args, decode, bytes, file.path, format);
      format ??= pixels.format;
      images ??= new Uint8Array(list.length * pixels.data.length);
      images.set(pixels.data, i * pixels.data.length);
      labels[i] = file.label;
    }
    const { height = 0, width = 0, channels = 1 } = format ?? {};
    splits[split] = {
      count: list.length,
      height,
      width,
      channels,
      images: images ?? new Uint8Array(0),
      labels,
    };
  }

  hashes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return writeDataset(
    {
      name: args.name ?? basename(args.root),
      classNames,
      source: {
        kind: 'image-folder',
        sha256: sha256Hex(canonicalJson(hashes)),
        ...(args.licence === undefined ? {} : { licence: args.licence }),
        ...(args.citation === undefined ? {} : { citation: args.citation }),
      },
      origin: args.root,
      splits,
    },
    sink,
  );
}

/** Decodes one file to uint8 HWC at the dataset's size and channel count (taken from the first image). */
function decodeToSize(
  args: ImageFolderImportArgs,
  decode: TfNodeDecode,
  bytes: Uint8Array,
  path: string,
  format: { height: number; width: number; channels: 1 | 3 } | undefined,
): { data: Uint8Array; format: { height: number; width: number; channels: 1 | 3 } } {
  const { tf } = args;
  let decoded: tfjs.Tensor;
  try {
    // Channels 0 keeps the file's own; later files are converted to the first file's count.
    decoded = decode(bytes, format?.channels ?? args.channels ?? 0, 'int32', false);
  } catch (error) {
    throw new UnreadableImageError(path, { cause: error });
  }
  try {
    const [height = 0, width = 0, stored = 0] = decoded.shape;
    const channels: 1 | 3 = format?.channels ?? args.channels ?? (stored <= 2 ? 1 : 3);
    const target = format ?? {
      height: args.size?.height ?? height,
      width: args.size?.width ?? width,
      channels,
    };
    if (!args.size && (height !== target.height || width !== target.width)) {
      throw new ImageFolderLayoutError(
        args.root,
        `${path} is ${height}x${width} but earlier images are ${target.height}x${target.width}; ` +
          'pass size: { height, width } to resize every image to one size',
      );
    }
    const data = tf.tidy(() => {
      // Drops an alpha channel: grey+alpha keeps grey, RGBA keeps RGB. Float before round():
      // tfjs-node 4.22's Round kernel returns zeros for int32 input.
      let image = decoded.slice([0, 0, 0], [height, width, channels]).toFloat() as tfjs.Tensor3D;
      if (height !== target.height || width !== target.width) {
        image = tf.image.resizeBilinear(image, [target.height, target.width], false, true);
      }
      return image.round().clipByValue(0, 255).dataSync();
    });
    return { data: Uint8Array.from(data), format: target };
  } finally {
    decoded.dispose();
  }
}

async function listImages(
  args: ImageFolderImportArgs,
): Promise<{ classNames: string[]; files: Record<SplitName, ImageFile[]> }> {
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

  if (presplit.length === SPLIT_NAMES.length) {
    const perSplit = await Promise.all(SPLIT_NAMES.map((s) => subfolders(join(root, s))));
    const classNames = [...new Set(perSplit.flat())].sort();
    checkClassCount(root, classNames);
    const files = {} as Record<SplitName, ImageFile[]>;
    for (const [s, split] of SPLIT_NAMES.entries()) {
      files[split] = [];
      for (const [label, name] of classNames.entries()) {
        if (!perSplit[s]?.includes(name)) continue;
        for (const path of await imageFiles(join(root, split, name))) files[split].push({ path, label });
      }
    }
    return { classNames, files };
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
  const files: Record<SplitName, ImageFile[]> = { train: [], val: [], test: [] };
  for (const [label, name] of classNames.entries()) {
    const paths = await imageFiles(join(root, name));
    if (paths.length === 0)
      throw new ImageFolderLayoutError(root, `class folder ${name} holds no PNG/JPEG/BMP/GIF images`);
    const drawn = shuffledIndices(paths.length, rngFor(holdout.seed, 'split', label));
    const nTest = Math.round(paths.length * holdout.test);
    const nVal = Math.round(paths.length * holdout.val);
    const splitOf = new Map<number, SplitName>();
    drawn.forEach((fileIndex, rank) =>
      splitOf.set(fileIndex, rank < nTest ? 'test' : rank < nTest + nVal ? 'val' : 'train'),
    );
    paths.forEach((path, i) => files[splitOf.get(i) ?? 'train'].push({ path, label }));
  }
  return { classNames, files };
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
