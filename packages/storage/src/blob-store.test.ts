import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import { ObjectBlobStore } from './blob-store.js';
import { ObjectIntegrityError, ObjectNotFoundError } from './errors.js';
import { sha256Hex } from '@medsweep/core';
import { ObjectStore } from './object-store.js';

// Runs against the real MinIO of the local stack (`npm run stack:up`).
const settings = loadConfig().s3;

describe('ObjectBlobStore on MinIO', () => {
  const store = new ObjectStore(settings);
  const blobs = new ObjectBlobStore(store, `tests/blobs-${randomUUID()}`);

  it('stores content-named blobs once and reads them back verified', async () => {
    const bytes = new TextEncoder().encode('shard bytes');
    const name = `${sha256Hex(bytes)}.bin`;
    await blobs.put(name, bytes);
    // A second put of the same name must not rewrite it: the bytes behind a content name never change.
    await blobs.put(name, new TextEncoder().encode('other bytes'));
    expect(await blobs.get(name, sha256Hex(bytes))).toEqual(bytes);
    expect(blobs.uriOf(name)).toBe(`s3://${settings.bucket}/${blobs.prefix}/${name}`);
  });

  it('refuses bytes that do not match the hash and names a missing blob', async () => {
    const bytes = new TextEncoder().encode('x');
    await blobs.put('x.bin', bytes);
    await expect(blobs.get('x.bin', sha256Hex(new TextEncoder().encode('y')))).rejects.toBeInstanceOf(
      ObjectIntegrityError,
    );
    const missing = await blobs.get('missing.bin', sha256Hex(bytes)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ObjectNotFoundError);
    expect((missing as Error).message).toBe(
      `object ${blobs.prefix}/missing.bin does not exist in bucket ${settings.bucket}`,
    );
  });
});
