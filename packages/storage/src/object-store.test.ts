import { randomUUID } from 'node:crypto';
import { GetBucketLifecycleConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import {
  ForeignObjectUriError,
  LinkLifetimeError,
  MultipartUploadRefusedError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnreachableError,
} from './errors.js';
import { sha256Hex } from '@medsweep/core';
import { MIN_PART_BYTES, ObjectStore, STAGED_UPLOAD_DAYS, STAGED_UPLOADS_PREFIX } from './object-store.js';

// Runs against the real MinIO of the local stack (`npm run stack:up`).
const settings = loadConfig().s3;

describe('ObjectStore on MinIO', () => {
  const store = new ObjectStore(settings);

  it('maps URIs of its bucket to keys, and no other URI', () => {
    const bucket = settings.bucket;
    expect(store.keyInBucket(`s3://${bucket}/trials/s/0/weights.h5`)).toBe('trials/s/0/weights.h5');
    expect(store.keyOf(`s3://${bucket}/trials/s/0/weights.h5`)).toBe('trials/s/0/weights.h5');
    for (const uri of [`s3://${bucket}-other/k`, `s3://${bucket}/`, `https://${bucket}/k`]) {
      expect(store.keyInBucket(uri), uri).toBeUndefined();
      expect(() => store.keyOf(uri), uri).toThrow(ForeignObjectUriError);
    }
  });

  it('creates the bucket idempotently', async () => {
    expect(await store.ensureBucket()).toBe('exists');
  });

  it('expires staged uploads nobody registered, by a lifecycle rule set idempotently', async () => {
    await store.expireStagedUploads();
    await store.expireStagedUploads();
    const { Rules } = await store.client.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: settings.bucket }),
    );
    expect(Rules).toHaveLength(1);
    expect(Rules?.[0]).toMatchObject({
      Status: 'Enabled',
      Filter: { Prefix: STAGED_UPLOADS_PREFIX },
      Expiration: { Days: STAGED_UPLOAD_DAYS },
    });
  });

  it('round-trips bytes and verifies their sha256', async () => {
    const key = `tests/${randomUUID()}.bin`;
    const body = new Uint8Array([1, 2, 3, 250]);
    const stored = await store.put(key, body);
    expect(stored).toMatchObject({ uri: `s3://${settings.bucket}/${key}`, sizeBytes: 4 });
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.get(key, stored.sha256)).toEqual(body);
    expect(await store.exists(key)).toBe(true);
    expect(await store.exists(`${key}.missing`)).toBe(false);
  });

  it('lists keys under a prefix across pages and deletes objects idempotently', async () => {
    const prefix = `tests/${randomUUID()}/`;
    const keys = Array.from({ length: 3 }, (_, i) => `${prefix}${i}.bin`);
    await Promise.all(keys.map((key) => store.put(key, new Uint8Array([1]))));
    await store.put(`${prefix.slice(0, -1)}-sibling.bin`, new Uint8Array([2]));
    expect(await store.list(prefix)).toEqual(keys);
    await store.delete(keys[1] as string);
    await store.delete(keys[1] as string);
    expect(await store.list(prefix)).toEqual([keys[0], keys[2]]);
    expect(await store.list(`tests/${randomUUID()}/`)).toEqual([]);
  });

  it('refuses bytes that were changed behind its back', async () => {
    const key = `tests/${randomUUID()}.bin`;
    const stored = await store.put(key, new TextEncoder().encode('original'));
    await store.client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: 'tampered' }));
    await expect(store.get(key, stored.sha256)).rejects.toBeInstanceOf(ObjectIntegrityError);
  });

  it('presigns a download link that serves the object under its name, until it expires', async () => {
    const key = `tests/${randomUUID()}/weights.h5`;
    const body = new TextEncoder().encode('weights bytes');
    await store.put(key, body);
    // 3 s: with 1 s the link could run out before the first download on a loaded machine.
    const url = await store.presignGet(key, { expiresInSeconds: 3, downloadName: 'trial 7/weights.h5' });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3');
    const fresh = await fetch(url);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('content-disposition')).toBe('attachment; filename="trial_7_weights.h5"');
    expect(new Uint8Array(await fresh.arrayBuffer())).toEqual(body);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const stale = await fetch(url);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toMatch(/expired/i);
  });

  it('takes a multipart upload through presigned part URLs, hashes it streaming and copies it', async () => {
    const key = `tests/${randomUUID()}/staged.bin`;
    const body = Uint8Array.from({ length: MIN_PART_BYTES + 1000 }, (_, i) => (i * 31) % 251);
    const multipartId = await store.createMultipartUpload(key);
    const chunks = [body.subarray(0, MIN_PART_BYTES), body.subarray(MIN_PART_BYTES)];
    const parts = await Promise.all(
      chunks.map(async (chunk, i) => {
        const url = await store.presignUploadPart(key, multipartId, i + 1, { expiresInSeconds: 60 });
        const response = await fetch(url, { method: 'PUT', body: chunk });
        expect(response.status).toBe(200);
        return { partNumber: i + 1, etag: response.headers.get('etag')! };
      }),
    );
    // A part with another ETag is refused, by name, and the upload can still be completed right.
    await expect(
      store.completeMultipartUpload(key, multipartId, [parts[0]!, { ...parts[1]!, etag: '"0"' }]),
    ).rejects.toBeInstanceOf(MultipartUploadRefusedError);
    await store.completeMultipartUpload(key, multipartId, [...parts].reverse());
    expect(await store.sha256Of(key)).toEqual({ sha256: sha256Hex(body), sizeBytes: body.byteLength });

    const target = `tests/${randomUUID()}/content.bin`;
    await store.copy(key, target, sha256Hex(body));
    expect(sha256Hex(await store.get(target, sha256Hex(body)))).toBe(sha256Hex(body));
    await expect(store.copy(`${key}.missing`, target, 'x')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.sha256Of(`${key}.missing`)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses parts under 5 MiB but the last, and aborts uploads idempotently', async () => {
    const key = `tests/${randomUUID()}/small-parts.bin`;
    const multipartId = await store.createMultipartUpload(key);
    const parts = [];
    for (const partNumber of [1, 2]) {
      const url = await store.presignUploadPart(key, multipartId, partNumber, { expiresInSeconds: 60 });
      const response = await fetch(url, { method: 'PUT', body: new Uint8Array(1024) });
      parts.push({ partNumber, etag: response.headers.get('etag')! });
    }
    const error = await store.completeMultipartUpload(key, multipartId, parts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultipartUploadRefusedError);
    expect((error as Error).message).toMatch(new RegExp(`^multipart upload to ${key} cannot be completed`));
    await store.abortMultipartUpload(key, multipartId);
    await store.abortMultipartUpload(key, multipartId);
    expect(await store.exists(key)).toBe(false);
  });

  it('refuses a link lifetime S3 would not sign', async () => {
    for (const seconds of [0, 1.5, 7 * 24 * 3600 + 1]) {
      await expect(store.presignGet('tests/any.bin', { expiresInSeconds: seconds })).rejects.toThrow(
        LinkLifetimeError,
      );
    }
  });

  it('names the credentials settings when the secret is wrong', async () => {
    const wrong = new ObjectStore({ ...settings, secretAccessKey: 'not-the-secret' });
    const error = await wrong.ensureBucket().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3AccessDeniedError);
    expect((error as Error).message).toBe(
      `S3 at ${settings.endpoint} refused access key ${settings.accessKeyId} for bucket ${settings.bucket}: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`,
    );
  });

  it('says where it looked when nothing listens there', async () => {
    const dead = new ObjectStore({ ...settings, endpoint: 'http://127.0.0.1:1' });
    const error = await dead.ensureBucket().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3UnreachableError);
    expect((error as Error).message).toMatch(
      /^cannot reach S3 at http:\/\/127\.0\.0\.1:1 \(.*\): start it with npm run stack:up or set S3_ENDPOINT$/,
    );
  });
});
