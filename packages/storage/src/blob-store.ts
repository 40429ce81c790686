import type { ObjectStore } from './object-store.js';

/** Key prefix of every dataset's manifest and shards (see @medsweep/ml's dataset format). */
export const DATASET_BLOBS_PREFIX = 'datasets';

/**
 * Blobs named by their content (a dataset's `<sha256>.bin` shards and `<id>.json` manifest) under one
 * key prefix of an ObjectStore: structurally a BlobSink and BlobSource of @medsweep/ml, so importers
 * write datasets straight to S3 and loaders read them back verified. A name fixes its bytes, so put()
 * skips a blob that is already stored and importing the same dataset twice uploads nothing.
 */
export class ObjectBlobStore {
  constructor(
    readonly store: ObjectStore,
    readonly prefix: string = DATASET_BLOBS_PREFIX,
  ) {}

  keyOf(name: string): string {
    return `${this.prefix}/${name}`;
  }

  uriOf(name: string): string {
    return this.store.uriOf(this.keyOf(name));
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    const key = this.keyOf(name);
    if (await this.store.exists(key)) return;
    await this.store.put(key, bytes);
  }

  /** The blob's bytes; ObjectIntegrityError when they do not hash to `sha256`, ObjectNotFoundError when absent. */
  get(name: string, sha256: string): Promise<Uint8Array> {
    return this.store.get(this.keyOf(name), sha256);
  }
}
