// A registered dataset's stored records, read from the object store and checked against their sha256:
// its manifest (task, classes, image shape, split counts, where it came from, how it was split) and its
// per-split samples tables (keys, image hashes, patient and site, free attributes). Read through
// @medsweep/core/records, the readers the importer's own files are written with.
import type { SampleRecord, SplitName } from '@medsweep/core';
import { SPLIT_NAMES } from '@medsweep/core';
import type { DatasetManifest, SampleRow } from '@medsweep/core/records';
import { decodeManifest, decodeSampleTable, manifestBlobName, shardBlobName } from '@medsweep/core/records';
import type { ObjectStore } from '@medsweep/storage';

/** A dataset row's reference to its stored manifest. */
export interface StoredDatasetRef {
  contentHash: string;
  manifestUri: string;
}

/** The dataset's manifest, verified against its hash (the dataset's identity). */
export async function readManifest(store: ObjectStore, dataset: StoredDatasetRef): Promise<DatasetManifest> {
  const bytes = await store.get(store.keyOf(dataset.manifestUri), dataset.contentHash);
  return decodeManifest(bytes, dataset.contentHash);
}

/**
 * Every sample's stored record, split by split (labels are left empty: a samples table does not hold
 * them; counts per class are the manifest's); undefined for a dataset stored without samples tables.
 */
export async function readSampleRecords(
  store: ObjectStore,
  dataset: StoredDatasetRef,
  manifest: DatasetManifest,
): Promise<SampleRecord[] | undefined> {
  // Shards sit beside the manifest, as the importer writes them.
  const manifestKey = store.keyOf(dataset.manifestUri);
  const folder = manifestKey.slice(0, manifestKey.length - manifestBlobName(dataset.contentHash).length);
  const tables: [SplitName, SampleRow[]][] = [];
  for (const split of SPLIT_NAMES) {
    const entry = manifest.splits[split];
    if (entry.samples === undefined) return undefined;
    const bytes = await store.get(`${folder}${shardBlobName(entry.samples.sha256)}`, entry.samples.sha256);
    tables.push([split, decodeSampleTable(bytes, entry.count, dataset.contentHash, split)]);
  }
  return tables.flatMap(([split, rows]) => rows.map((row) => ({ ...row, split, labels: [] })));
}
