// Datasets on S3 and in the worker's cache. In the bucket a dataset is its manifest `<id>.json` (id =
// the manifest's sha256) with its shards `<sha256>.bin` beside it under DATASET_BLOBS_PREFIX; on a
// worker each lives in <cacheDir>/datasets/<id>/, verified by hash on every read, so a second trial
// on the same worker downloads nothing.
import type { BlobSource, Dataset } from '@medsweep/ml';
import { loadDataset, manifestBlobName } from '@medsweep/ml';
import type { ContentCache, ObjectStore } from '@medsweep/storage';
import type { DatasetRef } from '@medsweep/workflows';
import { DatasetRefMismatchError } from './errors.js';

/** Loads the dataset `ref` names through the cache, verifying the manifest and every shard by hash. */
export async function fetchDataset(
  store: ObjectStore,
  cache: ContentCache,
  ref: DatasetRef,
): Promise<Dataset> {
  const dataset = await loadDataset(datasetBlobSource(store, cache, ref), ref.manifestSha256);
  if (dataset.manifest.numClasses !== ref.numClasses) {
    throw new DatasetRefMismatchError(
      ref.manifestSha256,
      'numClasses',
      ref.numClasses,
      `${dataset.manifest.numClasses}, as the manifest says`,
    );
  }
  return dataset;
}

/** The blobs of the dataset `ref` names (manifest, shards, samples tables), read through the cache. */
export function datasetBlobSource(store: ObjectStore, cache: ContentCache, ref: DatasetRef): BlobSource {
  const id = ref.manifestSha256;
  const manifestKey = store.keyInBucket(ref.manifestUri);
  if (manifestKey === undefined) {
    throw new DatasetRefMismatchError(id, 'manifestUri', ref.manifestUri, `a URI under ${store.uriOf('')}`);
  }
  if (!manifestKey.endsWith(`/${manifestBlobName(id)}`) && manifestKey !== manifestBlobName(id)) {
    throw new DatasetRefMismatchError(
      id,
      'manifestUri',
      ref.manifestUri,
      `a key ending in ${manifestBlobName(id)}`,
    );
  }
  // Shards sit beside the manifest: the key up to and including its last slash.
  const folder = manifestKey.slice(0, -manifestBlobName(id).length);
  return {
    get: async (name, sha256) =>
      (await cache.file(`datasets/${id}/${name}`, sha256, () => store.get(`${folder}${name}`, sha256))).bytes,
  };
}
