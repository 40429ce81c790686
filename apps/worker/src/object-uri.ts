import type { ObjectStore } from '@medsweep/storage';

/** The key of `uri` in the store's bucket, or undefined for a URI of another bucket or scheme. */
export function keyInBucket(store: ObjectStore, uri: string): string | undefined {
  const prefix = store.uriOf('');
  return uri.startsWith(prefix) && uri.length > prefix.length ? uri.slice(prefix.length) : undefined;
}
