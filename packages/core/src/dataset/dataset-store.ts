import { DatasetManifestError } from '../errors.js';
import { sha256Hex } from '../lineage/hash.js';
import type { TaskType } from '../metrics/task.js';
import type { BlobSink, BlobSource } from './blob-ports.js';
import type { SplitProvenance } from './split-assignment.js';
import { splitAssignmentHash } from './split-assignment.js';
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
import type { ImageSplit } from './image-split.js';
import { labelHistogram, requireNonEmptySplits, sampleLabels } from './image-split.js';
import { perceptualHash, pixelSha256 } from './perceptual-hash.js';
import type { SampleRow } from './sample-table.js';
import { decodeSampleTable, encodeSampleTable } from './sample-table.js';
import type { SampleProvenance, SampleRecord, SplitName } from './splits.js';
import { SPLIT_NAMES } from './splits.js';

/** What the source says about one sample besides its pixels and labels: its key and provenance. */
export interface SampleSource extends SampleProvenance {
  /** Stable within the dataset: the path relative to the source, or `<split>/<index>` in an .npz. */
  key: string;
}

/** What an importer produces before it is stored: samples in memory plus their description. */
export interface DatasetDraft {
  name: string;
  /** Default: binary-class for two class names, multi-class for more. */
  task?: TaskType;
  /** One per class (per label for multi-label), index = label. */
  classNames: readonly string[];
  source: DatasetManifest['source'];
  /** The imported file or folder; named in errors, never stored (the id must not depend on paths). */
  origin: string;
  splits: Record<SplitName, ImageSplit>;
  /**
   * Per-sample keys and provenance, index-aligned with each split's images, and how the samples were
   * assigned to splits. Stored as one samples table per split plus the manifest's splitAssignment.
   * Without it the manifest is exactly what it was before per-sample records existed.
   */
  samples?: { bySplit: Record<SplitName, readonly SampleSource[]>; assignment: SplitProvenance };
}

/** A stored dataset, loaded and verified: the manifest plus each split's bytes. */
export interface Dataset {
  id: string;
  manifest: DatasetManifest;
  splits: Record<SplitName, ImageSplit>;
}

/** The task a draft is stored with. */
export const draftTask = (draft: DatasetDraft): TaskType => draft.task ?? taskOf(draft.classNames.length);

/**
 * Each split's sample rows: the draft's keys and provenance plus the exact and perceptual hash of each
 * image as stored. Undefined for a draft without per-sample records.
 */
export function draftSampleRows(draft: DatasetDraft): Record<SplitName, SampleRow[]> | undefined {
  const { samples } = draft;
  if (!samples) return undefined;
  const rows = {} as Record<SplitName, SampleRow[]>;
  for (const name of SPLIT_NAMES) {
    const split = draft.splits[name];
    const sources = samples.bySplit[name];
    if (sources.length !== split.count) {
      throw new DatasetManifestError(
        draft.origin,
        `${name} has ${split.count} images but ${sources.length} sample records`,
      );
    }
    const size = split.height * split.width * split.channels;
    rows[name] = sources.map((source, i) => {
      const pixels = split.images.subarray(i * size, (i + 1) * size);
      return {
        ...source,
        pixelSha256: pixelSha256(pixels),
        perceptualHash: perceptualHash(pixels, split.height, split.width, split.channels),
      };
    });
  }
  return rows;
}

/** Sample rows joined with their split and labels: what the dataset checks of @medsweep/core read. */
export function sampleRecordsOf(
  rows: Record<SplitName, readonly SampleRow[]>,
  splits: Record<SplitName, ImageSplit>,
  task: TaskType,
  numClasses: number,
): SampleRecord[] {
  const multiLabel = task === 'multi-label, binary-class';
  return SPLIT_NAMES.flatMap((split) =>
    rows[split].map((row, i) => ({
      ...row,
      split,
      labels: sampleLabels(splits[split].labels, i, numClasses, multiLabel),
    })),
  );
}

/**
 * Stores a draft as shards plus a manifest and returns the dataset id (the manifest's sha256).
 * Deterministic: the same draft always yields the same bytes and id. Everything is checked before
 * the first blob is written, so a draft that fails (EmptySplitError for a split without samples, an
 * invalid manifest) stores nothing. `rows` are the draft's sample rows when the caller has them
 * already (draftSampleRows: hashing every image twice is not free).
 */
export async function writeDataset(
  draft: DatasetDraft,
  sink: BlobSink,
  rows: Record<SplitName, SampleRow[]> | undefined = draftSampleRows(draft),
): Promise<{ id: string; manifest: DatasetManifest }> {
  requireNonEmptySplits(draft.splits, draft.origin);
  const { height, width, channels } = draft.splits.train;
  const numClasses = draft.classNames.length;
  const task = draftTask(draft);

  const blobs = new Map<string, Uint8Array>();
  const shard = (bytes: Uint8Array) => {
    const sha256 = sha256Hex(bytes);
    blobs.set(shardBlobName(sha256), bytes);
    return { sha256, bytes: bytes.length };
  };
  const splits = {} as Record<SplitName, DatasetSplitEntry>;
  for (const name of SPLIT_NAMES) {
    const split = draft.splits[name];
    splits[name] = {
      count: split.count,
      labelHistogram: labelHistogram(split.labels, numClasses, task === 'multi-label, binary-class'),
      images: shard(split.images),
      labels: shard(split.labels),
      ...(rows ? { samples: shard(encodeSampleTable(rows[name])) } : {}),
    };
  }
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    name: draft.name,
    task,
    numClasses,
    classNames: [...draft.classNames],
    image: { height, width, channels },
    source: draft.source,
    splits,
    ...(rows && draft.samples
      ? {
          splitAssignment: {
            ...draft.samples.assignment,
            sha256: splitAssignmentHash(
              SPLIT_NAMES.flatMap((split) => rows[split].map((r) => ({ key: r.key, split }))),
            ),
          },
        }
      : {}),
  };
  // Round-trip through the validator so a draft that could never be loaded is never stored.
  const bytes = encodeManifest(manifest);
  const id = datasetIdOf(manifest);
  decodeManifest(bytes, id);
  for (const [name, blob] of blobs) await sink.put(name, blob);
  await sink.put(manifestBlobName(id), bytes);
  return { id, manifest };
}

/** Loads a dataset by id, verifying the manifest and every shard against their sha256. */
export async function loadDataset(source: BlobSource, id: string): Promise<Dataset> {
  const manifest = decodeManifest(await source.get(manifestBlobName(id), id), id);
  const { height, width, channels } = manifest.image;
  const multiLabel = manifest.task === 'multi-label, binary-class';
  const splits = {} as Record<SplitName, ImageSplit>;
  for (const name of SPLIT_NAMES) {
    const entry = manifest.splits[name];
    const [images, labels] = await Promise.all([
      source.get(shardBlobName(entry.images.sha256), entry.images.sha256),
      source.get(shardBlobName(entry.labels.sha256), entry.labels.sha256),
    ]);
    const bound = multiLabel ? 2 : manifest.numClasses;
    const outOfRange = labels.findIndex((label) => label >= bound);
    if (outOfRange >= 0) {
      throw new DatasetManifestError(
        id,
        multiLabel
          ? `${name} label value ${labels[outOfRange]} at position ${outOfRange} is not 0 or 1`
          : `${name} label ${labels[outOfRange]} at sample ${outOfRange} is not a class`,
      );
    }
    splits[name] = { count: entry.count, height, width, channels, images, labels };
  }
  return { id, manifest, splits };
}

/**
 * The per-sample records of a loaded dataset (keys, hashes, provenance, split and labels), read from
 * its samples tables; undefined for a dataset stored without them.
 */
export async function loadSampleRecords(
  source: BlobSource,
  dataset: Dataset,
): Promise<SampleRecord[] | undefined> {
  const { manifest } = dataset;
  const rows = {} as Record<SplitName, SampleRow[]>;
  for (const name of SPLIT_NAMES) {
    const ref = manifest.splits[name].samples;
    if (!ref) return undefined;
    const bytes = await source.get(shardBlobName(ref.sha256), ref.sha256);
    rows[name] = decodeSampleTable(bytes, manifest.splits[name].count, dataset.id, name);
  }
  return sampleRecordsOf(rows, dataset.splits, manifest.task, manifest.numClasses);
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
