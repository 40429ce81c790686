import { DatasetManifestError } from '../errors.js';
import type { BlobSink, BlobSource } from './blob-store.js';
import { sha256Hex } from '@medsweep/core';
import type { DatasetManifest, DatasetSplitEntry } from './dataset-manifest.js';
import {
  DATASET_FORMAT,
  datasetIdOf,
  decodeManifest,
  encodeManifest,
  manifestBlobName,
  shardBlobName,
  taskOf,
} from './dataset-manifest.js';
import type { ImageSplit, SplitName } from './image-split.js';
import { SPLIT_NAMES, labelHistogram, requireNonEmptySplits } from './image-split.js';

/** What an importer produces before it is stored: samples in memory plus their description. */
export interface DatasetDraft {
  name: string;
  classNames: readonly string[];
  source: DatasetManifest['source'];
  /** The imported file or folder; named in errors, never stored (the id must not depend on paths). */
  origin: string;
  splits: Record<SplitName, ImageSplit>;
}

/** A stored dataset, loaded and verified: the manifest plus each split's bytes. */
export interface Dataset {
  id: string;
  manifest: DatasetManifest;
  splits: Record<SplitName, ImageSplit>;
}

/**
 * Stores a draft as shards plus a manifest and returns the dataset id (the manifest's sha256).
 * Deterministic: the same draft always yields the same bytes and id. Throws EmptySplitError for a
 * split without samples.
 */
export async function writeDataset(
  draft: DatasetDraft,
  sink: BlobSink,
): Promise<{ id: string; manifest: DatasetManifest }> {
  requireNonEmptySplits(draft.splits, draft.origin);
  const { height, width, channels } = draft.splits.train;
  const numClasses = draft.classNames.length;

  const splits = {} as Record<SplitName, DatasetSplitEntry>;
  for (const name of SPLIT_NAMES) {
    const split = draft.splits[name];
    const images = await putShard(sink, split.images);
    const labels = await putShard(sink, split.labels);
    splits[name] = {
      count: split.count,
      labelHistogram: labelHistogram(split.labels, numClasses),
      images,
      labels,
    };
  }
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    name: draft.name,
    task: taskOf(numClasses),
    numClasses,
    classNames: [...draft.classNames],
    image: { height, width, channels },
    source: draft.source,
    splits,
  };
  // Round-trip through the validator so a draft that could never be loaded is never stored.
  const bytes = encodeManifest(manifest);
  const id = datasetIdOf(manifest);
  decodeManifest(bytes, id);
  await sink.put(manifestBlobName(id), bytes);
  return { id, manifest };
}

/** Loads a dataset by id, verifying the manifest and every shard against their sha256. */
export async function loadDataset(source: BlobSource, id: string): Promise<Dataset> {
  const manifest = decodeManifest(await source.get(manifestBlobName(id), id), id);
  const { height, width, channels } = manifest.image;
  const splits = {} as Record<SplitName, ImageSplit>;
  for (const name of SPLIT_NAMES) {
    const entry = manifest.splits[name];
    const [images, labels] = await Promise.all([
      source.get(shardBlobName(entry.images.sha256), entry.images.sha256),
      source.get(shardBlobName(entry.labels.sha256), entry.labels.sha256),
    ]);
    const outOfRange = labels.findIndex((label) => label >= manifest.numClasses);
    if (outOfRange >= 0) {
      throw new DatasetManifestError(
        id,
        `${name} label ${labels[outOfRange]} at sample ${outOfRange} is not a class`,
      );
    }
    splits[name] = { count: entry.count, height, width, channels, images, labels };
  }
  return { id, manifest, splits };
}

async function putShard(sink: BlobSink, bytes: Uint8Array): Promise<{ sha256: string; bytes: number }> {
  const sha256 = sha256Hex(bytes);
  await sink.put(shardBlobName(sha256), bytes);
  return { sha256, bytes: bytes.length };
}

/** A sink that can also name where a blob lives (e.g. s3://bucket/key), as datasets are referenced. */
export interface AddressableBlobSink extends BlobSink {
  uriOf(name: string): string;
}

/** What a stored dataset is referenced by (the fields of a sweep's dataset reference that come from the data). */
export interface StoredDataset {
  manifestUri: string;
  manifestSha256: string;
  numClasses: number;
  task: string;
  manifest: DatasetManifest;
}

/**
 * Runs an importer (importMedmnistNpz, importImageFolder) into `sink` and returns the stored dataset's
 * reference. Blobs are content-addressed, so importing the same data again uploads nothing new.
 */
export async function importDatasetTo(
  sink: AddressableBlobSink,
  write: (sink: BlobSink) => Promise<{ id: string; manifest: DatasetManifest }>,
): Promise<StoredDataset> {
  const { id, manifest } = await write(sink);
  return {
    manifestUri: sink.uriOf(manifestBlobName(id)),
    manifestSha256: id,
    numClasses: manifest.numClasses,
    task: manifest.task,
    manifest,
  };
}
