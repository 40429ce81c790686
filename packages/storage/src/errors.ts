// One class per way the object store fails. Messages say what was wrong, where (endpoint, bucket, key)
// and what to do; fields carry the same facts for code that reacts to them.
import type { PermanenceMark } from '@medsweep/core';

/**
 * Base class of every error this package throws on purpose, so callers can catch them as one family.
 * Retryable unless a class says otherwise: reaching S3 depends on the network and on the process's
 * settings, which a later attempt (or another worker) may not share.
 */
export abstract class StorageError extends Error implements PermanenceMark {
  readonly permanent: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when the S3 endpoint cannot be reached at all (nothing listening, DNS, TLS). Retryable: it may be back. */
export class S3UnreachableError extends StorageError {
  constructor(
    readonly endpoint: string,
    options: { cause: unknown },
  ) {
    super(
      `cannot reach S3 at ${endpoint} (${(options.cause as Error).message ?? String(options.cause)}): start it with npm run stack:up or set S3_ENDPOINT`,
      options,
    );
  }
}

/**
 * Thrown when S3 rejects the configured credentials or they lack rights on the bucket. Retryable: the
 * credentials are this process's settings, not the call's; another worker, or this one with fixed settings,
 * may succeed.
 */
export class S3AccessDeniedError extends StorageError {
  constructor(
    readonly endpoint: string,
    readonly accessKeyId: string,
    readonly bucket: string,
    options: { cause: unknown },
  ) {
    super(
      `S3 at ${endpoint} refused access key ${accessKeyId} for bucket ${bucket}: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`,
      options,
    );
  }
}

/**
 * Thrown when an object read back does not hash to the digest it is stored under. Permanent: the stored
 * bytes are wrong, and reading them again yields the same bytes.
 */
export class ObjectIntegrityError extends StorageError {
  override readonly permanent = true;

  constructor(
    readonly key: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`object ${key}: sha256 is ${actualSha256}, expected ${expectedSha256} (corrupt or tampered)`);
  }
}

/**
 * Thrown by ObjectStore.get() when no object has the key (a reference to something never stored, or
 * deleted). Permanent: S3 reads are strongly consistent, so the key is not there on a retry either.
 */
export class ObjectNotFoundError extends StorageError {
  override readonly permanent = true;

  constructor(
    readonly bucket: string,
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(`object ${key} does not exist in bucket ${bucket}`, options);
  }
}

/**
 * Thrown by ObjectStore.completeMultipartUpload() when S3 refuses to join the parts (a part missing or
 * with another ETag, a part but the last under 5 MiB, an unknown or finished upload). Permanent: the same
 * parts are refused again; upload them again under a new upload.
 */
export class MultipartUploadRefusedError extends StorageError {
  override readonly permanent = true;

  constructor(
    readonly key: string,
    readonly s3Code: string,
    readonly s3Message: string,
    options: { cause: unknown },
  ) {
    super(
      `multipart upload to ${key} cannot be completed: S3 says ${s3Code} (${s3Message}); every part but the last must be at least 5 MiB and each part's ETag must be the one its upload answered`,
      options,
    );
  }
}

/**
 * Thrown by sendPlannedBlob() when the store refuses an upload through a presigned URL (expired link,
 * wrong size, store down). Retryable: a fresh upload may go through.
 */
export class UploadRejectedError extends StorageError {
  constructor(
    readonly blob: string,
    /** The part refused, for a multipart upload; null for a single PUT. */
    readonly partNumber: number | null,
    readonly status: number,
    readonly body: string,
  ) {
    super(
      `uploading ${blob}${partNumber === null ? '' : ` (part ${partNumber})`} was refused by the object store (HTTP ${status}): ${body.slice(0, 300)}`,
    );
  }
}

/**
 * Thrown by ObjectStore.presignGet() when the link's lifetime is not a whole number of seconds S3 accepts.
 * Permanent: the same lifetime is refused every time.
 */
export class LinkLifetimeError extends StorageError {
  override readonly permanent = true;

  constructor(
    readonly key: string,
    readonly expiresInSeconds: number,
    readonly maxSeconds: number,
  ) {
    super(
      `download link for object ${key}: lifetime ${expiresInSeconds} s is not accepted; expected a whole number of seconds from 1 to ${maxSeconds} (S3 signs links for at most 7 days)`,
    );
  }
}

/**
 * Thrown by ObjectStore.keyOf() for a URI that names no object of the store's bucket. Permanent: the URI
 * comes from the caller's input and names the same foreign bucket on every retry.
 */
export class ForeignObjectUriError extends StorageError {
  override readonly permanent = true;

  constructor(
    readonly uri: string,
    readonly bucket: string,
  ) {
    super(`URI ${uri} is not an object of bucket ${bucket}; expected s3://${bucket}/<key>`);
  }
}

/**
 * Thrown when the bucket for audit anchors exists without S3 Object Lock: anchors there could be deleted or
 * overwritten, so they would prove nothing. Permanent: Object Lock can only be chosen when a bucket is made.
 */
export class AnchorBucketNotLockedError extends StorageError {
  override readonly permanent = true;

  constructor(readonly bucket: string) {
    super(
      `bucket ${bucket} holds audit anchors but has no Object Lock; create a new one with Object Lock enabled (or let MedSweep create it) and set S3_AUDIT_ANCHOR_BUCKET to it`,
    );
  }
}

/**
 * Thrown by ContentCache when this worker's disk has no room for a file it downloaded (ENOSPC, or EDQUOT
 * over a quota). Retryable: the disk is this worker's, and the trial can run on another worker with room
 * (or here, once space is freed).
 */
export class CacheDiskFullError extends StorageError {
  constructor(
    readonly root: string,
    readonly relativePath: string,
    readonly sizeBytes: number,
    options: { cause: unknown },
  ) {
    super(
      `worker cache ${root} is full: no space left to store ${relativePath} (${sizeBytes} bytes); free space there or point MEDSWEEP_CACHE at a larger disk (the trial is retried, on another worker if this one stays full)`,
      options,
    );
  }
}
