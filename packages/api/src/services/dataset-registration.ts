// Registering a dataset whose blobs are in the object store (uploaded through the API, or written there
// by an operator's in-process import): the one registration path. Nothing the uploader reports is taken
// on trust: the dataset is loaded from the store with every shard checked against its sha256, each
// sample row's pixel and perceptual hash is recomputed from the stored images, and the duplicate and
// leakage report and the sample images are made here from what is stored.
import type { SampleRecord, StoredDatasetReport } from '@medsweep/core';
import { datasetReport, sha256Hex } from '@medsweep/core';
import type { Dataset, SplitName } from '@medsweep/core/records';
import {
  loadDataset,
  loadSampleRecords,
  manifestBlobName,
  perceptualHash,
  pixelSha256,
  PREVIEWS_PER_CLASS,
  previewImages,
  SPLIT_NAMES,
} from '@medsweep/core/records';
import type { Db, DatasetPreview } from '@medsweep/db';
import { leakageCounts, registerDataset } from '@medsweep/db';
import type { ObjectStore } from '@medsweep/storage';
import { ObjectBlobStore } from '@medsweep/storage';
import { DatasetRecordsMismatchError } from '../errors.js';

export interface RegisterStoredDataset {
  /** The project's slug. */
  project: string;
  name: string;
  /** The dataset id: its manifest's sha256. */
  contentHash: string;
  /** Where the caller read it from (a path or URL), recorded when the manifest names no citation. */
  origin: string;
  /** Hamming distance of near-duplicates (default core's NEAR_DUPLICATE_MAX_DISTANCE). */
  maxDistance?: number;
  /** Duplicate pairs, patients and studies the report lists (default 20). */
  maxListed?: number;
  actor: string;
}

/** A dataset as registration left it. */
export interface RegisteredDatasetSummary {
  datasetId: string;
  contentHash: string;
  /** False when the project already had this manifest (nothing changed). */
  created: boolean;
  task: string;
  splitAssignmentHash: string | null;
  leaky: boolean;
  /** One line per reason the dataset is leaky. */
  leakageReasons: string[];
  leakage: ReturnType<typeof leakageCounts>;
}

/** The samples of each split, in stored order. */
function bySplit(samples: readonly SampleRecord[]): Record<SplitName, SampleRecord[]> {
  const out = { train: [], val: [], test: [] } as Record<SplitName, SampleRecord[]>;
  for (const sample of samples) out[sample.split].push(sample);
  return out;
}

/** Refuses sample rows whose hashes are not those of the stored images they stand beside. */
function checkSampleRows(dataset: Dataset, rows: Record<SplitName, SampleRecord[]>): void {
  for (const split of SPLIT_NAMES) {
    const { images, height, width, channels } = dataset.splits[split];
    const size = height * width * channels;
    rows[split].forEach((row, i) => {
      const pixels = images.subarray(i * size, (i + 1) * size);
      const computed = {
        pixelSha256: pixelSha256(pixels),
        perceptualHash: perceptualHash(pixels, height, width, channels),
      };
      for (const field of ['pixelSha256', 'perceptualHash'] as const) {
        if (row[field] !== computed[field]) {
          throw new DatasetRecordsMismatchError(
            dataset.id,
            `${split} sample ${i} (${row.key}) ${field}`,
            row[field],
            computed[field],
          );
        }
      }
    });
  }
}

/**
 * Loads the stored dataset `contentHash` (ObjectIntegrityError for a blob that does not hash to its name,
 * ObjectNotFoundError for one missing), checks its records against its images (DatasetRecordsMismatchError),
 * reports on it, stores its sample images and registers it in the project; registering it again changes
 * nothing.
 */
export async function registerStoredDataset(
  db: Db,
  store: ObjectStore,
  input: RegisterStoredDataset,
): Promise<RegisteredDatasetSummary> {
  const blobs = new ObjectBlobStore(store);
  const dataset = await loadDataset(blobs, input.contentHash);
  const { manifest } = dataset;
  const samples = await loadSampleRecords(blobs, dataset);
  const rows = samples === undefined ? undefined : bySplit(samples);
  if (rows) checkSampleRows(dataset, rows);
  const report = datasetReport({
    task: manifest.task,
    numClasses: manifest.numClasses,
    classNames: manifest.classNames,
    samples: samples ?? [],
    ...(input.maxDistance === undefined ? {} : { maxDistance: input.maxDistance }),
    ...(input.maxListed === undefined ? {} : { maxListed: input.maxListed }),
  });
  const splitAssignmentHash = manifest.splitAssignment?.sha256 ?? null;
  if (rows && splitAssignmentHash !== report.splitAssignmentSha256) {
    throw new DatasetRecordsMismatchError(
      dataset.id,
      'the manifest split-assignment hash',
      String(splitAssignmentHash),
      report.splitAssignmentSha256,
    );
  }
  // Without per-sample records there is nothing to check, so no report is stored.
  const stored: StoredDatasetReport | null =
    rows === undefined
      ? null
      : { ...report, image: manifest.image, splitAssignment: manifest.splitAssignment };

  const previews: DatasetPreview[] = [];
  const keyOf = (split: SplitName, i: number) => rows?.[split][i]?.key ?? `${split}/${i}`;
  for (const preview of previewImages(
    { task: manifest.task, numClasses: manifest.numClasses, splits: dataset.splits },
    PREVIEWS_PER_CLASS,
    keyOf,
  )) {
    const sha256 = sha256Hex(preview.png);
    const name = `${sha256}.png`;
    await blobs.put(name, preview.png);
    previews.push({ ...preview.sample, uri: blobs.uriOf(name), sha256 });
  }

  const { dataset: row, created } = await registerDataset(db, {
    project: input.project,
    name: input.name,
    contentHash: dataset.id,
    manifestUri: blobs.uriOf(manifestBlobName(dataset.id)),
    splits: Object.fromEntries(
      Object.entries(manifest.splits).map(([k, v]) => [
        k,
        { count: v.count, labelHistogram: v.labelHistogram },
      ]),
    ),
    numClasses: manifest.numClasses,
    task: manifest.task,
    licence: manifest.source.licence ?? 'unknown',
    source: manifest.source.citation ?? input.origin,
    splitAssignmentHash,
    report: stored,
    previews,
    actor: input.actor,
  });
  return {
    datasetId: row.id,
    contentHash: row.contentHash,
    created,
    task: row.task,
    splitAssignmentHash: row.splitAssignmentHash,
    leaky: row.leaky,
    leakageReasons: report.leakage.reasons,
    leakage: leakageCounts(report),
  };
}
