// Files uploaded through the API by callers without S3 credentials (weights files, a dataset's shards,
// samples tables and manifest): the caller declares each blob's name, sha256 and size; the API hands out
// presigned URLs for staging keys of its choosing (one PUT, or one per part of a multipart upload for a
// large blob), and on completion hashes what arrived, streaming, refuses any blob whose sha256 is not the
// declared one, and only then copies it to its content address. Staging keys keep an uploader from ever
// writing over stored, content-addressed objects; content the store holds already is not uploaded again.
import { randomUUID } from 'node:crypto';
import type { BlobUploadPlan, ObjectStore, UploadedPart } from '@medsweep/storage';
import { MAX_PARTS, ObjectNotFoundError, STAGED_UPLOADS_PREFIX } from '@medsweep/storage';
import { BlobNotUploadedError, StagedBlobMismatchError } from '../errors.js';

/** How long upload URLs work: long enough for a large file on a slow link. */
export const UPLOAD_LINK_SECONDS = 3600;

/** Part size of multipart uploads unless the caller asks for another; blobs up to it go in one PUT. */
export const PART_BYTES = 64 * 1024 * 1024;

/** The largest blob accepted: one CopyObject moves it to its content address, and S3 copies at most 5 GiB. */
export const MAX_BLOB_BYTES = 5 * 1024 * 1024 * 1024;

/** A blob the caller will upload, and the content address the API stores it under once verified. */
export interface DeclaredBlob {
  /** Unique within one upload; names the staging object (letters, digits, `.`, `_`, `-`). */
  name: string;
  sha256: string;
  bytes: number;
  contentKey: string;
}

export interface StagedUpload {
  /** Null when the store holds every blob already: nothing to upload. */
  uploadId: string | null;
  expiresInSeconds: number;
  blobs: BlobUploadPlan[];
}

/** A declared blob as the caller reports it uploaded (with its parts' ETags for a multipart upload). */
export interface UploadedBlob {
  name: string;
  sha256: string;
  contentKey: string;
  contentType?: string;
  multipart?: { multipartId: string; parts: UploadedPart[] };
}

/** Where one blob of one upload of one project is staged. */
const stagingPrefix = (projectId: string, uploadId: string) =>
  `${STAGED_UPLOADS_PREFIX}${projectId}/${uploadId}/`;

/**
 * Upload URLs for the declared blobs that the store does not hold at their content address. A blob over
 * `partBytes` (at least S3's 5 MiB part minimum, which the router's input enforces) goes as a multipart
 * upload of `partBytes` parts (larger when it would need over S3's 10,000 parts).
 */
export async function startStagedUpload(
  store: ObjectStore,
  projectId: string,
  blobs: readonly DeclaredBlob[],
  partBytes = PART_BYTES,
): Promise<StagedUpload> {
  const missing = new Set<string>();
  for (const blob of blobs) if (!(await store.exists(blob.contentKey))) missing.add(blob.name);
  if (missing.size === 0) {
    return {
      uploadId: null,
      expiresInSeconds: UPLOAD_LINK_SECONDS,
      blobs: blobs.map((b) => ({ name: b.name, method: 'stored' })),
    };
  }
  const uploadId = randomUUID();
  const link = { expiresInSeconds: UPLOAD_LINK_SECONDS };
  const plans: BlobUploadPlan[] = [];
  for (const blob of blobs) {
    const staged = stagingPrefix(projectId, uploadId) + blob.name;
    if (!missing.has(blob.name)) {
      plans.push({ name: blob.name, method: 'stored' });
    } else if (blob.bytes <= partBytes) {
      plans.push({ name: blob.name, method: 'put', url: await store.presignPut(staged, link) });
    } else {
      const size = Math.max(partBytes, Math.ceil(blob.bytes / MAX_PARTS));
      const multipartId = await store.createMultipartUpload(staged);
      const parts = [];
      for (let partNumber = 1; (partNumber - 1) * size < blob.bytes; partNumber++) {
        parts.push({ partNumber, url: await store.presignUploadPart(staged, multipartId, partNumber, link) });
      }
      plans.push({ name: blob.name, method: 'multipart', multipartId, partBytes: size, parts });
    }
  }
  return { uploadId, expiresInSeconds: UPLOAD_LINK_SECONDS, blobs: plans };
}

/**
 * Finishes an upload: joins multipart uploads, hashes every staged blob (streaming) and, only when all
 * of them hash to their declared sha256, copies each to its content address. Throws
 * StagedBlobMismatchError naming the first blob that differs, BlobNotUploadedError for a blob neither
 * staged nor stored, MultipartUploadRefusedError for parts S3 will not join. Whatever happens, the
 * upload's staging objects are deleted (and its unfinished multipart uploads dropped).
 */
export async function completeStagedUpload(
  store: ObjectStore,
  projectId: string,
  uploadId: string | null,
  blobs: readonly UploadedBlob[],
): Promise<void> {
  const prefix = uploadId === null ? null : stagingPrefix(projectId, uploadId);
  const verified: UploadedBlob[] = [];
  try {
    for (const blob of blobs) {
      const staged = prefix === null ? null : prefix + blob.name;
      // Stored meanwhile (by another upload of the same content): what was sent is not needed.
      if (await store.exists(blob.contentKey)) continue;
      if (staged === null) throw new BlobNotUploadedError(blob.name, null);
      if (blob.multipart) {
        await store.completeMultipartUpload(staged, blob.multipart.multipartId, blob.multipart.parts);
      }
      const found = await store.sha256Of(staged).catch((e: unknown) => {
        throw e instanceof ObjectNotFoundError ? new BlobNotUploadedError(blob.name, staged) : e;
      });
      if (found.sha256 !== blob.sha256)
        throw new StagedBlobMismatchError(blob.name, blob.sha256, found.sha256);
      verified.push(blob);
    }
    for (const blob of verified) {
      await store.copy(prefix + blob.name, blob.contentKey, blob.sha256, blob.contentType);
    }
  } finally {
    if (prefix !== null) {
      // Dropping a multipart upload that was completed is a no-op; one that was not frees its parts.
      for (const blob of blobs) {
        if (blob.multipart) await store.abortMultipartUpload(prefix + blob.name, blob.multipart.multipartId);
      }
      for (const key of await store.list(prefix)) await store.delete(key);
    }
  }
}
